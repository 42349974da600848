/* The room itself: joining (the form in client/templates/partials/join.html), the connection's
 * banners, the phase stepper with the timer, and the current phase's text. Alpine.data('room').
 */
import { dict } from "../core/maps.js";
import { fragmentKey, limits, pageData, readFragment } from "../core/page.js";
import { component } from "../core/store.js";
import { clock, hhmm } from "../core/time.js";
import { base, keep, myKey, remaining, roomId } from "./base.js";
import { revealedByOthers } from "./cues.js";

// The board areas in the room's own order (server/methods.py BOARD_AREAS) and their sections.
var AREAS = [
  ["vote", ".board-vote"],
  ["mindmap", ".board-mindmap"],
  ["forcefield", ".board-forcefield"],
  ["plan", ".board-plan"],
  ["cards", ".cards-panel"],
];

/* Put the board areas in the order the phase names (its `order`), the rest after in the room's
 * order. The sections are moved in the DOM, not with CSS, so reading and focus order follow the
 * screen; nothing moves when the order is already right (a move would drop the focus). */
function arrange(root, order) {
  var els = AREAS.map(function (a) {
    return { id: a[0], el: root.querySelector(a[1]) };
  }).filter(function (a) {
    return !!a.el;
  });
  if (els.length < 2) return;
  var rank = function (a) {
    var i = (order || []).indexOf(a.id);
    return i >= 0 ? i : 100 + AREAS.findIndex(function (x) {
      return x[0] === a.id;
    });
  };
  var want = els.slice().sort(function (a, b) {
    return rank(a) - rank(b);
  });
  var now = els.slice().sort(function (a, b) {
    return a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  });
  if (
    want.every(function (a, i) {
      return a.el === now[i].el;
    })
  )
    return;
  var parent = now[0].el.parentNode;
  var after = now[now.length - 1].el.nextSibling;
  want.forEach(function (a) {
    parent.insertBefore(a.el, after);
  });
}

function room() {
  var stepRows = dict(); // phase id -> its last row in the stepper (see keep()): the clock ticks every second
  return base({
    joinName: "",
    notesCue: 0, // notes of others revealed since the cue was last dismissed
    about: null, // {title, method {nl, en}, facilitator, locked} from POST /r/{room}/about
    init: function () {
      var rec = this.K.saved(roomId());
      if (rec && rec.name) this.joinName = rec.name;
      var key = myKey();
      if (rec && rec.token && key) this.K.connect({ room: roomId(), key: key });
      var self = this;
      var root = this.$el;
      // Before joining: which meeting this link is for (never who is in).
      if (key && !(rec && rec.token)) {
        fetch("/r/" + encodeURIComponent(roomId()) + "/about", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ key: key }),
        })
          .then(function (r) {
            return r.ok ? r.json() : null;
          })
          .then(function (a) {
            if (a && typeof a.title === "string") self.about = a;
          })
          .catch(function () {});
      }
      Alpine.effect(function () {
        var st = self.st;
        var p = st && st.method && st.method.phases[st.phase.index];
        arrange(root, p ? p.order : []);
      });
      // Notes revealed: a visible cue with a way to open them (roomCues speaks it).
      var seen = null;
      Alpine.effect(function () {
        var st = self.st;
        if (!st || st.waiting_for_admission) return;
        var n = revealedByOthers(st, self.me);
        if (seen !== null && n > seen) self.notesCue = n - seen + self.notesCue;
        seen = n;
      });
      // A different link pasted into the same tab: start over with the new key.
      window.addEventListener("hashchange", function () {
        var k = readFragment();
        if (k && k !== fragmentKey()) window.location.reload();
      });
    },
    get hasNotesCue() {
      return this.notesCue > 0;
    },
    get notesCueText() {
      return this.notesCue ? this.f("notesRevealedCue", { n: this.notesCue }) : "";
    },
    openNotes: function () {
      this.notesCue = 0;
      this.$store.ui.notes = true;
    },
    dismissNotesCue: function () {
      this.notesCue = 0;
    },
    get hasAbout() {
      return !!this.about;
    },
    get aboutTitle() {
      return this.about ? this.about.title : "";
    },
    get aboutMethod() {
      return this.about ? this.f("joinMethod", { name: this.tr(this.about.method) }) : "";
    },
    get aboutFac() {
      return !!this.about && !!this.about.facilitator;
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
        return keep(stepRows, p.id, {
          id: p.id,
          num: i + 1,
          title: self.tr(p.title),
          time: time,
          cls: "step is-" + p.state + (over ? " is-over" : ""),
          ariaCurrent: p.state === "current" ? "step" : "false",
          stateText: self.L["step_" + p.state],
          tip: p.minutes !== p.planned ? self.f("plannedWas", { n: p.planned }) : "",
        });
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
