/* The room itself: joining (the form in client/templates/partials/join.html), the connection's
 * banners, the phase stepper with the timer, and the current phase's text. Alpine.data('room').
 */
import { dict } from "../core/maps.js";
import { fragmentKey, limits, pageData, readFragment } from "../core/page.js";
import { component } from "../core/store.js";
import { clock, hhmm } from "../core/time.js";
import { base, myKey, remaining, roomId } from "./base.js";

function room() {
  return base({
    joinName: "",
    init: function () {
      var rec = this.K.saved(roomId());
      if (rec && rec.name) this.joinName = rec.name;
      var key = myKey();
      if (rec && rec.token && key) this.K.connect({ room: roomId(), key: key });
      // A different link pasted into the same tab: start over with the new key.
      window.addEventListener("hashchange", function () {
        var k = readFragment();
        if (k && k !== fragmentKey()) window.location.reload();
      });
    },
    get fatal() {
      return !!this.K.fatal;
    },
    get fatalText() {
      var key = "fatal_" + this.K.fatal;
      return this.K.has(key) ? this.L[key] : this.L.fatal_invalid;
    },
    get showBadLink() {
      return !this.K.started && !myKey();
    },
    get showJoin() {
      return !this.K.started && !!myKey() && !this.K.fatal;
    },
    get showConnecting() {
      return this.K.started && !this.st && !this.K.fatal;
    },
    get isWaiting() {
      return !!this.st && !!this.st.waiting_for_admission && !this.K.fatal;
    },
    get ready() {
      return !!this.st && !this.isWaiting && !this.K.fatal && this.phaseList.length > 0;
    },
    get cannotJoin() {
      var n = this.joinName.trim();
      return !n || n.length > limits().name;
    },
    onJoinName: function (ev) {
      this.joinName = ev.target.value;
    },
    join: function () {
      if (this.cannotJoin) return;
      this.K.connect({ room: roomId(), key: myKey(), name: this.joinName.trim().slice(0, limits().name) });
    },
    get showReconnecting() {
      return this.K.reconnecting && !this.K.fatal;
    },
    // More participants than the facilitator expects: a warning with a one-click lock.
    get showCrowd() {
      var n = this.st ? Object.keys(this.st.participants || dict()).length : 0;
      return this.isFac && !!this.st && !this.st.locked && n > (pageData().crowd_warning || 12);
    },
    get crowdText() {
      return this.f("crowdWarning", { n: Object.keys((this.st && this.st.participants) || dict()).length });
    },
    lockNow: function () {
      this.cmd("room.lock", { locked: true });
    },
    get outboxText() {
      var n = this.K.outbox.length;
      return n ? this.f("outboxWaiting", { n: n }) : "";
    },
    get hasError() {
      return !!this.K.lastError && !this.K.fatal;
    },
    get errorText() {
      var e = this.K.lastError;
      if (!e) return "";
      // The server's codes are an open list: one this catalog has no text for gets the generic head.
      var head = this.K.has("err_" + e.code) ? this.L["err_" + e.code] : this.L.err_generic;
      // Only the person's own language: the server's message is English, for logs and tools.
      return head;
    },
    dismissError: function () {
      this.K.clearError();
    },

    // phase stepper
    get steps() {
      var self = this;
      var st = this.st;
      var now = this.K.now();
      return this.phaseList.map(function (p, i) {
        var used = p.used_ms || 0;
        if (p.state === "current") used += Math.max(0, now - st.phase.started);
        var usedMin = Math.round(used / 60000);
        var time =
          p.state === "next"
            ? self.f("minShort", { n: p.minutes })
            : self.f("usedOfPlanned", { used: usedMin, planned: p.minutes });
        var over = p.state !== "next" && used > p.minutes * 60000;
        return {
          id: p.id,
          num: i + 1,
          title: self.tr(p.title),
          time: time,
          cls: "step is-" + p.state + (over ? " is-over" : ""),
          ariaCurrent: p.state === "current" ? "step" : "false",
          stateText: self.L["step_" + p.state],
          tip: p.minutes !== p.planned ? self.f("plannedWas", { n: p.planned }) : "",
        };
      });
    },
    get totalText() {
      var st = this.st;
      if (!st) return "";
      var text = this.f("totalMinutes", { n: st.method.minutes });
      if (st.meeting_end) {
        // What is still planned: the rest of this phase and all later phases.
        var now = this.K.now();
        var left = Math.max(0, remaining(st.timer, now));
        this.phaseList.forEach(function (p) {
          if (p.state === "next") left += p.minutes * 60000;
        });
        var slack = Math.round((st.meeting_end - now - left) / 60000);
        text += " · " + this.f("endsAt", { t: hhmm(st.meeting_end) });
        text += " · " + (slack >= 0 ? this.f("slackOk", { n: slack }) : this.f("slackOver", { n: -slack }));
      }
      return text;
    },
    get timerMs() {
      return remaining(this.st && this.st.timer, this.K.now());
    },
    get timerText() {
      return clock(this.timerMs);
    },
    get timerClass() {
      var t = this.st && this.st.timer;
      var ms = this.timerMs;
      var c = "timer";
      if (ms < 0) c += " is-over";
      else if (ms < 60000) c += " is-low";
      if (t && !t.running) c += " is-paused";
      return c;
    },
    get timerLabel() {
      var t = this.st && this.st.timer;
      if (this.timerMs < 0) return this.L.timeUp;
      if (t && !t.running) return this.L.timerPaused;
      return this.L.timeLeft;
    },
    get timerAria() {
      return this.timerLabel + " " + this.timerText;
    },

    // current phase
    get phaseKicker() {
      return this.st ? this.f("phaseOf", { n: this.st.phase.index + 1, m: this.phaseList.length }) : "";
    },
    get phaseTitle() {
      return this.cur ? this.tr(this.cur.title) : "";
    },
    get phaseInstructions() {
      return this.cur ? this.tr(this.cur.instructions) : "";
    },
    get phasePrivate() {
      var st = this.st;
      return !!this.cur && this.cur.private && !this.phaseRevealed;
    },
    get phaseRevealed() {
      var st = this.st;
      var id = this.cur && this.cur.id;
      var cards = (st && st.cards) || dict();
      return Object.keys(cards).some(function (k) {
        return cards[k].phase === id && cards[k].private && cards[k].revealed;
      });
    },
    get privateText() {
      return this.L.privateNotice;
    },
    get rules() {
      var self = this;
      return ((this.st && this.st.method.rules) || []).map(function (r, i) {
        return { i: i, text: self.tr(r) };
      });
    },
    get hasRules() {
      return this.rules.length > 0;
    },
  });
}

component("room", room);
