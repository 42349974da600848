/* Kring case choice: pitch a case in at most three sentences, dot-vote, the facilitator closes
 * the vote and picks the case (which sets the inbrenger and the werkvraag). Counts stay hidden
 * until the vote is closed: the server only sends them then. Alpine.data('vote'); strings: the
 * catalog section "vote.". */
import { sentDraft } from "../core/drafts.js";
import { dict } from "../core/maps.js";
import { limits } from "../core/page.js";
import { component } from "../core/store.js";
import { sentences } from "../werkvraag.js";
import { withActions } from "./board.js";

function voteBoard() {
  return withActions({
    draft: "",
    perPerson: 0,

    get v() {
      return (this.st && this.st.vote) || { candidates: dict(), mine: dict(), per_person: 3, closed: false, chosen: null };
    },
    get visible() {
      return !!this.st && this.$store.kring.tool("vote");
    },
    get isFac() {
      return !!this.may.facilitator;
    },
    get canPropose() {
      return !!this.may.propose;
    },
    get canVote() {
      return !!this.may.vote;
    },
    get closed() {
      return !!this.v.closed;
    },
    get open() {
      return !this.v.closed;
    },
    get used() {
      var mine = this.v.mine || dict();
      return Object.keys(mine).reduce(function (a, k) {
        return a + mine[k];
      }, 0);
    },
    get left() {
      return Math.max(0, this.v.per_person - this.used);
    },
    get remainingText() {
      return this.f("remaining", { n: this.left, m: this.v.per_person });
    },
    get votersText() {
      return this.f("voters", { n: this.v.voters || 0 });
    },
    get tooLong() {
      return sentences(this.draft) > limits().sentences;
    },
    get cannotPropose() {
      return !this.draft.trim() || this.tooLong;
    },
    get none() {
      return this.list.length === 0;
    },
    get perPersonValue() {
      return this.perPerson || this.v.per_person;
    },
    get list() {
      var v = this.v;
      var me = this.$store.kring.you && this.$store.kring.you.pid;
      var self = this;
      var T = this.L;
      var total = 0;
      var ids = Object.keys(v.candidates || dict());
      ids.forEach(function (id) {
        total = Math.max(total, v.candidates[id].votes || 0);
      });
      var rows = ids.map(function (id) {
        var c = v.candidates[id];
        var mine = (v.mine || dict())[id] || 0;
        var count = c.votes || 0;
        return {
          id: id,
          text: c.text,
          author: T.by + " " + self.$store.kring.name(c.author),
          own: c.author === me,
          mine: mine,
          mineText: self.f("yourVotes", { n: mine }),
          count: count,
          countText: self.f("count", { n: count }),
          bar: { width: (total ? Math.round((100 * count) / total) : 0) + "%" },
          chosen: v.chosen === id,
          cls: "vote-item" + (v.chosen === id ? " is-chosen" : "") + (mine ? " has-mine" : ""),
          canCast: self.canVote && self.left > 0,
          canRetract: self.canVote && mine > 0,
        };
      });
      if (v.closed) {
        rows.sort(function (a, b) {
          return b.count - a.count;
        });
      }
      return rows;
    },

    onDraft: function (ev) {
      this.draft = ev.target.value;
    },
    propose: function () {
      var text = this.draft.trim().slice(0, limits().pitch);
      if (!text || this.tooLong) return;
      var self = this;
      var sent = this.send("case.propose", { id: this.$store.kring.newId("c"), text: text }).then(function (r) {
        if (!self.error) {
          self.draft = "";
          self.$refs.pitch.value = "";
        }
        return r;
      });
      sentDraft("pitch-text", text, sent); // kept in this browser until the server took it
    },
    // The buttons are aria-disabled, not disabled (a focused button that disables itself drops
    // keyboard focus on the page body), so the click is checked here.
    cast: function (id) {
      if (this.allowed("canCast", id)) this.send("vote.cast", { id: id });
    },
    retract: function (id) {
      if (this.allowed("canRetract", id)) this.send("vote.retract", { id: id });
    },
    allowed: function (flag, id) {
      return this.list.some(function (c) {
        return c.id === id && c[flag];
      });
    },
    withdraw: function (id) {
      this.send("case.withdraw", { id: id });
    },
    choose: function (id) {
      this.send("case.choose", { id: id });
    },
    closeVote: function () {
      if (!window.confirm(this.L.confirmClose)) return;
      this.send("vote.close", {});
    },
    onPerPerson: function (ev) {
      this.perPerson = parseInt(ev.target.value, 10) || 0;
    },
    configure: function () {
      var n = this.perPersonValue;
      var r = limits().votes_per_person;
      if (n >= r[0] && n <= r[1]) this.send("vote.config", { votes: n });
    },
  }, "vote");
}

component("vote", voteBoard);
