/* The facilitator's controls: phases and their minutes, the meeting's end, roles, removal,
 * speaking rounds, revealing private cards and notes, the join link, the lock, admission,
 * participation and the switch to the basic method. Alpine.data('facPanel'). */
import { copyText } from "../core/copy.js";
import { putSvg } from "../core/dom.js";
import { dict } from "../core/maps.js";
import { enums, limits } from "../core/page.js";
import { component } from "../core/store.js";
import { hhmm } from "../core/time.js";
import { closingWriters } from "../core/typing.js";
import { base, linkFor, myKey, projectorLink, roomId } from "./base.js";

var CODE_RENEW_MS = 3 * 60000; // well inside the code's lease (server/joincode.py LEASE_MS)
var codeTimer = null;
var unloadHooked = false;

// POST /r/{room}/code: show (make or renew) or hide the short join code; the reply's body or null.
function codeRequest(show, keepalive) {
  return fetch("/r/" + encodeURIComponent(roomId()) + "/code", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ key: myKey(), show: show }),
    keepalive: keepalive,
  })
    .then(function (r) {
      return r.ok ? r.json() : null;
    })
    .catch(function () {
      return null;
    });
}

function facPanel() {
  return base({
    gotoIndex: null,
    phaseMinDraft: null,
    endDraft: null,
    roundSeconds: null, // the draft; the server's default until changed
    revealDraft: "",
    shuffle: false,
    copied: false,
    get visible() {
      return this.isFac;
    },
    get idx() {
      return this.st ? this.st.phase.index : 0;
    },
    get isFirst() {
      return this.idx === 0;
    },
    get isLast() {
      return this.idx >= this.phaseList.length - 1;
    },
    // Before closing a tool someone is writing in: "2 mensen schrijven nog — toch verder?"
    // (core/typing.js); `also` is a question of its own, asked in the same dialog.
    writersAgree: function (phase, also) {
      var n = closingWriters(this.$store.kring, phase);
      var ask = n ? this.$store.kring.t("confirmWriting", { n: n }) : "";
      if (also) ask = ask ? ask + "\n\n" + also : also;
      return !ask || window.confirm(ask);
    },
    prev: function () {
      if (this.writersAgree(this.phaseList[this.idx - 1] || null)) this.cmd("phase.prev", {});
    },
    next: function () {
      if (this.skipsPlan(this.idx + 1)) return;
      if (this.writersAgree(this.phaseList[this.idx + 1] || null)) this.cmd("phase.next", {});
    },
    /* Moving past the method's action plan with neither an action nor a first step written asks
     * first (the view's plan_missing); true when the facilitator said no. */
    skipsPlan: function (to) {
      var st = this.st;
      if (!st || !st.plan_missing) return false;
      var last = -1;
      this.phaseList.forEach(function (p, i) {
        if (p.tools.indexOf("plan") >= 0) last = i;
      });
      if (last < 0 || to <= last || this.idx > last) return false;
      return !window.confirm(this.L.confirmSkipPlan);
    },
    get phaseOptions() {
      var self = this;
      var sel = this.gotoIndex === null ? this.idx : this.gotoIndex;
      return this.phaseList.map(function (p, i) {
        return { v: i, sel: i === sel, label: i + 1 + ". " + self.tr(p.title) };
      });
    },
    onGoto: function (ev) {
      this.gotoIndex = parseInt(ev.target.value, 10);
      this.phaseMinDraft = null;
    },
    get target() {
      return this.gotoIndex === null ? this.idx : this.gotoIndex;
    },
    goto: function () {
      if (this.target !== this.idx && !this.skipsPlan(this.target) && this.writersAgree(this.phaseList[this.target] || null)) {
        this.cmd("phase.goto", { index: this.target });
      }
      this.gotoIndex = null;
    },
    get phaseMin() {
      if (this.phaseMinDraft !== null) return this.phaseMinDraft;
      var p = this.phaseList[this.target];
      return p ? p.minutes : "";
    },
    onPhaseMin: function (ev) {
      this.phaseMinDraft = ev.target.value;
    },
    setMinutes: function () {
      var m = parseInt(this.phaseMin, 10);
      var r = limits().phase_minutes;
      if (m >= r[0] && m <= r[1]) this.cmd("phase.minutes", { index: this.target, minutes: m });
      this.phaseMinDraft = null;
    },
    get endValue() {
      if (this.endDraft !== null) return this.endDraft;
      return this.st && this.st.meeting_end ? hhmm(this.st.meeting_end) : "";
    },
    onEnd: function (ev) {
      this.endDraft = ev.target.value;
    },
    setEnd: function () {
      var v = this.endValue;
      var at = null;
      var m = /^(\d{1,2}):(\d{2})$/.exec(v || "");
      if (m) {
        var d = new Date(this.K.now());
        d.setHours(parseInt(m[1], 10), parseInt(m[2], 10), 0, 0);
        if (d.getTime() < this.K.now() - 12 * 3600000) d.setDate(d.getDate() + 1);
        at = d.getTime();
      }
      this.cmd("meeting.end", { at: at });
      this.endDraft = null;
    },
    get roleRows() {
      var self = this;
      var st = this.st;
      if (!st) return [];
      var L = this.L;
      return Object.keys(st.participants).map(function (pid) {
        var p = st.participants[pid];
        return {
          pid: pid,
          name: p.name,
          canRemove: pid !== self.me,
          removeLabel: self.f("removePerson", { name: p.name }),
          groupLabel: self.f("rolesOf", { name: p.name }),
          roles: enums().roles.map(function (r) {
            var on = p.roles.indexOf(r) >= 0;
            return {
              id: r,
              on: on,
              onStr: on ? "true" : "false",
              short: L["roleShort_" + r] || r,
              aria: (L["roleShort_" + r] || r) + ", " + self.roleLabel(r) + ": " + p.name,
              cls: "role-toggle role-" + r + (on ? " is-on" : ""),
            };
          }),
        };
      });
    },
    removePerson: function (pid) {
      if (window.confirm(this.f("confirmRemovePerson", { name: this.nameOf(pid) }))) {
        this.cmd("participant.remove", { pid: pid });
      }
    },
    toggleRole: function (pid, role, on) {
      this.cmd("role.assign", { pid: pid, role: role, on: !on });
    },
    get roundsOpen() {
      return this.K.tool("rounds") || !!(this.st && this.st.round);
    },
    get hasRound() {
      return !!(this.st && this.st.round);
    },
    get roundRunning() {
      return this.hasRound && !this.st.round.done;
    },
    get roundSecondsValue() {
      return this.roundSeconds === null ? limits().round_default_s : this.roundSeconds;
    },
    onRoundSeconds: function (ev) {
      this.roundSeconds = ev.target.value;
    },
    onShuffle: function (ev) {
      this.shuffle = ev.target.checked;
    },
    // The round's order: the phase's speakers (the view's `speakers`, never the facilitator first)
    // who are online, in the order the facilitator arranged them here.
    roundDraft: null,
    get roundOrder() {
      var online = this.K.online;
      var base = (this.roundDraft || (this.st && this.st.speakers) || []).filter(function (pid) {
        return online[pid];
      });
      var self = this;
      return base.map(function (pid, i) {
        var name = self.nameOf(pid);
        return {
          pid: pid,
          n: i + 1,
          name: name,
          upLabel: self.f("roundUp", { name: name }),
          downLabel: self.f("roundDown", { name: name }),
          first: i === 0,
          last: i === base.length - 1,
        };
      });
    },
    get hasRoundOrder() {
      return this.roundOrder.length > 0;
    },
    moveSpeaker: function (pid, by) {
      var order = this.roundOrder.map(function (r) {
        return r.pid;
      });
      var i = order.indexOf(pid);
      var j = i + by;
      if (i < 0 || j < 0 || j >= order.length) return;
      order.splice(j, 0, order.splice(i, 1)[0]);
      this.roundDraft = order;
    },
    startRound: function () {
      var order = this.roundOrder.map(function (r) {
        return r.pid;
      });
      this.roundDraft = null;
      if (!order.length) return;
      var lim = limits();
      var r = lim.round_seconds;
      var secs = Math.max(r[0], Math.min(r[1], parseInt(this.roundSecondsValue, 10) || lim.round_default_s));
      this.cmd("round.start", { order: order, seconds: secs, shuffle: !!this.shuffle });
    },
    nextTurn: function () {
      this.cmd("round.next", {});
    },
    stopRound: function () {
      this.cmd("round.stop", {});
    },
    // Private cards are hidden from the facilitator too, so offer every private phase; the
    // default is this phase, or else the last private phase before it.
    get privatePhases() {
      var self = this;
      return this.phaseList
        .map(function (p, i) {
          return { v: p.id, i: i, label: i + 1 + ". " + self.tr(p.title), private: p.private };
        })
        .filter(function (o) {
          return o.private;
        });
    },
    get hasPrivate() {
      return this.privatePhases.length > 0;
    },
    get revealTarget() {
      if (this.revealDraft) return this.revealDraft;
      var idx = this.idx;
      var best = null;
      this.privatePhases.forEach(function (o) {
        if (o.i <= idx) best = o.v;
      });
      return best || (this.privatePhases[0] && this.privatePhases[0].v) || "";
    },
    get revealOptions() {
      var t = this.revealTarget;
      return this.privatePhases.map(function (o) {
        return { v: o.v, label: o.label, sel: o.v === t };
      });
    },
    onReveal: function (ev) {
      this.revealDraft = ev.target.value;
    },
    revealCards: function () {
      var phase = this.revealTarget;
      this.revealDraft = "";
      if (phase) this.cmd("cards.reveal", { phase: phase });
    },
    // How many notes wait to be revealed (a count only: the facilitator never sees them before).
    get notesHidden() {
      return (this.st && this.st.notes_hidden) || 0;
    },
    get notesHiddenText() {
      return this.notesHidden ? this.f("notesHidden", { n: this.notesHidden }) : this.L.notesHiddenNone;
    },
    get noNotesHidden() {
      return this.notesHidden === 0;
    },
    revealNotes: function () {
      if (window.confirm(this.L.confirmRevealNotes)) this.cmd("notes.reveal", {});
    },
    // Notes per author group: the listeners' apart from the inbrenger's (notes_hidden_by).
    get noteGroups() {
      var by = (this.st && this.st.notes_hidden_by) || {};
      var self = this;
      var groups = Object.keys(by);
      if (groups.length < 2) return [];
      return groups.map(function (g) {
        return { g: g, label: self.f("revealNotesOf_" + g, { n: by[g] }) };
      });
    },
    revealNotesOf: function (g) {
      if (window.confirm(this.L.confirmRevealNotes)) this.cmd("notes.reveal", { authors: g });
    },
    // Where the method says the facilitator adds no content: their own switch.
    get facWriteSwitch() {
      return !!this.may.fac_write_switch;
    },
    get facWriting() {
      return ((this.st && this.st.fac_writing) || []).indexOf(this.me) >= 0;
    },
    toggleFacWriting: function (ev) {
      this.cmd("facilitator.writes", { on: ev.target.checked });
    },
    // The join link as a QR code (POST /r/{room}/qr, an SVG made on the server), on request.
    qrShown: false,
    qrFor: "", // the join key the QR code shows: a rotated link gets a new code
    init: function () {
      var self = this;
      window.Alpine.effect(function () {
        var k = self.K.joinKey;
        if (self.qrShown && k && k !== self.qrFor) self.loadQr();
      });
    },
    toggleQr: function () {
      this.qrShown = !this.qrShown;
      if (this.qrShown) {
        this.loadQr();
        this.showCode(true);
      } else {
        this.$refs.qr.replaceChildren();
        this.showCode(false);
      }
    },
    // The short join code (server/joincode.py): valid while shown here; its lease is renewed
    // every few minutes, and hiding it or leaving the page ends it.
    code: "",
    codeGone: false,
    showCode: function (on) {
      var self = this;
      clearInterval(codeTimer);
      codeTimer = null;
      if (!on) {
        this.code = "";
        this.codeGone = false;
        codeRequest(false, false);
        return;
      }
      var renew = function () {
        codeRequest(true, false).then(function (body) {
          if (!self.qrShown) return;
          self.code = (body && body.code) || "";
          self.codeGone = !self.code;
        });
      };
      renew();
      codeTimer = setInterval(renew, CODE_RENEW_MS);
      if (!unloadHooked) {
        unloadHooked = true;
        window.addEventListener("pagehide", function () {
          if (self.qrShown) codeRequest(false, true);
        });
      }
    },
    get codeText() {
      return this.code ? this.code.slice(0, 3) + " " + this.code.slice(3) : "";
    },
    get hasCode() {
      return !!this.code;
    },
    get codeWhere() {
      return this.f("codeWhere", { url: window.location.host + "/j" });
    },
    loadQr: function () {
      var self = this;
      var box = this.$refs.qr;
      this.qrFor = this.K.joinKey || "";
      fetch("/r/" + encodeURIComponent(roomId()) + "/qr", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ key: myKey() }),
      })
        .then(function (r) {
          return r.ok ? r.text() : "";
        })
        .then(function (text) {
          if (self.qrShown) putSvg(box, text, self.L.qrLabel);
        })
        .catch(function () {});
    },
    get qrButton() {
      return this.qrShown ? this.L.codeHide : this.L.codeShow;
    },
    get joinUrl() {
      var k = this.K.joinKey;
      return k ? window.location.origin + "/r/" + encodeURIComponent(roomId()) + "#" + k : "";
    },
    get copyLabel() {
      return this.copied ? this.L.copied : this.L.copy;
    },
    selectAll: function (ev) {
      ev.target.select();
    },
    copyJoin: function () {
      var self = this;
      copyText(this.joinUrl, document.getElementById("fac-join"), function (on) {
        self.copied = on;
      });
    },
    get locked() {
      return !!(this.st && this.st.locked);
    },
    toggleLock: function (ev) {
      this.cmd("room.lock", { locked: ev.target.checked });
    },
    get waiting() {
      var self = this;
      var w = (this.st && this.st.waiting) || dict();
      return Object.keys(w).map(function (pid) {
        return { pid: pid, name: w[pid].name, admitLabel: self.f("admitPerson", { name: w[pid].name }) };
      });
    },
    get hasWaiting() {
      return this.waiting.length > 0;
    },
    admit: function (pid) {
      this.cmd("participant.admit", { pid: pid });
    },
    get beamerOn() {
      return this.K.screens > 0;
    },
    rotateProjector: function () {
      this.cmd("projector.rotate", {});
    },
    revokeProjector: function () {
      this.cmd("projector.revoke", {});
    },
    get stats() {
      var self = this;
      var s = (this.st && this.st.stats) || dict();
      return Object.keys(s).map(function (pid) {
        return { pid: pid, name: self.nameOf(pid), cards: s[pid].cards, turns: s[pid].turns, flagged: s[pid].flagged };
      });
    },
    get isBasic() {
      return !!this.st && this.st.method.id === "basis";
    },
    get canSwitch() {
      return !this.isBasic;
    },
    switchBasic: function () {
      // The basic method's phase is the server's choice (the phase's fallback): every tool counts.
      if (this.writersAgree(null, this.L.confirmSwitch)) this.cmd("method.switch", { method: "basis" });
    },
    get projectorHref() {
      return projectorLink(this.K.projectorKey);
    },
    get reportHref() {
      return linkFor("/report");
    },
  });
}

component("facPanel", facPanel);
