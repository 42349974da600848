/* Who is here, their roles, who speaks in a round and who is next. Alpine.data('peoplePanel'). */
import { enums } from "../core/page.js";
import { component } from "../core/store.js";
import { clock } from "../core/time.js";
import { base } from "./base.js";

function roundOf(st) {
  var r = st && st.round;
  return r || null;
}

function peoplePanel() {
  return base({
    get r() {
      return roundOf(this.st);
    },
    get speaker() {
      var r = this.r;
      return r && !r.done ? r.order[r.index] : null;
    },
    get nextPid() {
      var r = this.r;
      return r && !r.done && r.index + 1 < r.order.length ? r.order[r.index + 1] : null;
    },
    get people() {
      var self = this;
      var st = this.st;
      if (!st) return [];
      var online = this.K.online;
      var me = this.me;
      var speaker = this.speaker;
      var next = this.nextPid;
      var L = this.L;
      var pids = Object.keys(st.participants);
      // Facilitators first, then the inbrenger, then everyone in join order.
      function rank(pid) {
        var roles = st.participants[pid].roles;
        if (roles.indexOf("facilitator") >= 0) return 0;
        if (roles.indexOf("inbrenger") >= 0) return 1;
        return 2;
      }
      pids.sort(function (a, b) {
        return rank(a) - rank(b);
      });
      return pids.map(function (pid) {
        var p = st.participants[pid];
        var on = !!online[pid];
        return {
          pid: pid,
          name: p.name + (pid === me ? " (" + L.you + ")" : ""),
          roles: enums().roles.filter(function (r) {
            return p.roles.indexOf(r) >= 0;
          }).map(function (r) {
            return { id: r, label: self.roleLabel(r), cls: "role role-" + r };
          }),
          speaking: pid === speaker,
          next: pid === next,
          onlineText: on ? L.online : L.offline,
          dotCls: on ? "is-on" : "is-off",
          cls: "person" + (pid === speaker ? " is-speaking" : "") + (pid === next ? " is-next" : "") + (pid === me ? " is-me" : ""),
        };
      });
    },
    get onlineCount() {
      var st = this.st;
      if (!st) return "";
      var online = this.K.online;
      var n = Object.keys(st.participants).filter(function (p) {
        return online[p];
      }).length;
      return this.f("onlineOf", { n: n, m: Object.keys(st.participants).length });
    },
    get hasRound() {
      return !!this.r;
    },
    get running() {
      return !!this.r && !this.r.done;
    },
    get done() {
      return !!this.r && this.r.done;
    },
    get hasNext() {
      return !!this.nextPid;
    },
    get speakerName() {
      return this.speaker ? this.nameOf(this.speaker) : "";
    },
    get nextName() {
      return this.nextPid ? this.nameOf(this.nextPid) : "";
    },
    get roundMs() {
      var r = this.r;
      if (!r || !r.deadline) return 0;
      // A clock a few ms behind the server's must not show more than the turn's time box.
      return Math.min(r.deadline - this.K.now(), (r.seconds || Infinity) * 1000);
    },
    get roundTime() {
      return clock(this.roundMs);
    },
    get roundTimeCls() {
      return this.roundMs < 0 ? "is-over" : "";
    },
    get canPass() {
      return this.running && (this.speaker === this.me || !!this.may.timer);
    },
    pass: function () {
      this.cmd("round.next", {});
    },
  });
}

component("peoplePanel", peoplePanel);
