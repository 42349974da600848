/* Work in pairs (tweetallen, server/rooms/pairs.py): the facilitator splits those present into
 * pairs (in order or shuffled on the server; an odd one out makes a trio) for some minutes, moves
 * people by hand, places latecomers, calls everyone back and shows each pair's board. A pair's
 * members write cards and notes on their own board, which nobody else receives until it is shown.
 * Alpine.data('pairs'); strings: the catalog section "pairs.". */
import { sentDraft } from "../core/drafts.js";
import { dict } from "../core/maps.js";
import { limits } from "../core/page.js";
import { component, define } from "../core/store.js";
import { editor, short } from "../room/base.js";
import { clock } from "../core/time.js";
import { withActions } from "./board.js";
import { items as boardItems, shownRound } from "./pairs-rows.js";

function pairsBoard() {
  // Editing one's own items in place, as one's cards and notes (room/base.js editor).
  var edit = editor("pair", "confirmRemove", "pair_board");
  return withActions(define(edit, {
    draft: "",
    minutesDraft: "",

    get K() {
      return this.$store.kring;
    },
    get me() {
      var y = this.K.you;
      return y ? y.pid : null;
    },
    get isFac() {
      return !!this.may.facilitator;
    },
    get visible() {
      return !!this.st && (this.K.tool("pairs") || (this.K.shown("pairs") && this.index >= 0));
    },
    // An earlier phase's pair work, shown read-only here (the method's `show`).
    get shownOnly() {
      return !this.K.tool("pairs");
    },
    get rounds() {
      return (this.st && this.st.pairs) || [];
    },
    // The latest round of the current phase, or the earlier one it shows (-1: none yet).
    get index() {
      return shownRound(this.st);
    },
    get round() {
      return this.index < 0 ? null : this.rounds[this.index];
    },
    get hasRound() {
      return !!this.round;
    },
    get noRound() {
      return !this.round;
    },
    get running() {
      return !this.shownOnly && !!this.round && !this.round.ended && this.index === this.rounds.length - 1;
    },
    get ended() {
      return this.hasRound && !this.running;
    },
    get msLeft() {
      return this.round ? this.round.deadline - this.K.now() : 0;
    },
    get timeUp() {
      return this.running && this.msLeft <= 0;
    },
    get timeText() {
      return this.timeUp ? this.L.timeUp : this.f("left", { time: clock(this.msLeft) });
    },
    get timeCls() {
      return "pairs-time" + (this.timeUp ? " is-over" : "");
    },
    get myGroup() {
      var r = this.round;
      var me = this.me;
      if (!r) return -1;
      for (var i = 0; i < r.groups.length; i++) if (r.groups[i].indexOf(me) >= 0) return i;
      return -1;
    },
    get inPair() {
      return this.running && this.myGroup >= 0;
    },
    get watching() {
      return this.running && this.myGroup < 0;
    },
    get workingText() {
      return this.isFac ? this.L.workingFac : this.L.working;
    },
    get introText() {
      return this.isFac ? this.L.introFac : this.L.intro;
    },
    get canStart() {
      return this.isFac && !this.running && !this.shownOnly;
    },
    get startMinutes() {
      var m = parseInt(this.minutesDraft, 10);
      var lo = limits().pair_minutes[0];
      var hi = limits().pair_minutes[1];
      if (!(m >= lo)) return limits().pair_default_minutes;
      return Math.min(hi, m);
    },
    onMinutes: function (ev) {
      this.minutesDraft = ev.target.value;
    },
    start: function (shuffle) {
      var present = Object.keys(this.K.online || dict());
      this.send("pairs.start", { present: present, shuffle: !!shuffle, minutes: this.startMinutes });
    },
    startShuffled: function () {
      this.start(true);
    },
    startInOrder: function () {
      this.start(false);
    },
    groupName: function (i, size) {
      return this.f(size < 3 ? "group" : "trio", { n: i + 1 });
    },
    itemsOf: function (r, g) {
      var self = this;
      var mine = this.running && r === this.index && g === this.myGroup;
      return boardItems(this.st, r, g, this.K.name.bind(this.K)).map(function (it) {
        return {
          id: it.id,
          text: it.text,
          note: it.note,
          cls: "pair-item pair-" + it.kind,
          kindText: it.note ? self.L.note : "",
          author: it.author,
          canRemove: mine && !self.timeUp,
          removeLabel: self.L.remove + ": " + short(it.text),
          editing: mine && self.editing === it.id,
          showText: !(mine && self.editing === it.id),
          editId: "pair-edit-" + it.id,
          editDraft: mine && self.editing === it.id ? "pair-edit-" + it.id : null,
          editBtnId: "pair-editbtn-" + it.id,
          editLabel: self.L.edit + ": " + short(it.text),
        };
      });
    },
    get groups() {
      var r = this.round;
      if (!r) return [];
      var self = this;
      var counts = (this.st && this.st.pair_counts) || dict();
      var mine = this.myGroup;
      var names = r.groups.map(function (g, i) {
        return self.groupName(i, g.length);
      });
      return r.groups
        .map(function (members, i) {
          var shown = r.revealed.indexOf(i) >= 0;
          var items = self.itemsOf(self.index, i);
          var n = counts[self.index + "/" + i] || 0;
          return {
            i: i,
            key: self.index + "/" + i,
            label: names[i],
            names: members.map(self.K.name.bind(self.K)).join(", "),
            mine: i === mine,
            cls: "pair-group" + (i === mine ? " is-mine" : "") + (shown ? " is-shown" : ""),
            shown: shown,
            items: shown ? items : [],
            showItems: shown && items.length > 0,
            emptyShown: shown && items.length === 0,
            hidden: !shown,
            hiddenText: i === mine && self.running ? self.L.yours : self.isFac && self.running ? self.f("count", { n: n }) : self.L.hidden,
            canReveal: self.isFac && !shown && !self.shownOnly,
            revealLabel: self.L.reveal + ": " + names[i],
            members: self.isFac && self.running
              ? members.map(function (pid) {
                  return {
                    pid: pid,
                    name: self.K.name(pid),
                    label: self.f("move", { name: self.K.name(pid) }),
                    options: names
                      .map(function (nm, j) {
                        return { value: String(j), text: nm, selected: j === i };
                      })
                      .concat([
                        { value: "new", text: self.L.newGroup, selected: false },
                        { value: "out", text: self.L.out, selected: false },
                      ]),
                  };
                })
              : [],
          };
        })
        .filter(function (g) {
          return g.names || g.items.length;
        });
    },
    get myItems() {
      return this.inPair ? this.itemsOf(this.index, this.myGroup) : [];
    },
    get noItems() {
      return this.myItems.length === 0;
    },
    get myLabel() {
      var r = this.round;
      if (!r || this.myGroup < 0) return "";
      var me = this.me;
      var self = this;
      var others = r.groups[this.myGroup].filter(function (p) {
        return p !== me;
      });
      return this.f("with", { names: others.map(self.K.name.bind(self.K)).join(", ") || "—" });
    },
    // Present people in no group of the running round (latecomers, or moved out).
    get unplaced() {
      var r = this.round;
      if (!this.isFac || !this.running) return [];
      var inGroup = dict();
      r.groups.forEach(function (g) {
        g.forEach(function (p) {
          inGroup[p] = true;
        });
      });
      var st = this.st;
      var self = this;
      return Object.keys(this.K.online || dict())
        .filter(function (pid) {
          var p = st.participants[pid];
          return p && !inGroup[pid] && p.roles.indexOf("facilitator") < 0;
        })
        .map(function (pid) {
          return { pid: pid, name: self.K.name(pid), label: self.f("place", { name: self.K.name(pid) }) };
        });
    },
    get hasUnplaced() {
      return this.unplaced.length > 0;
    },
    get canRevealAll() {
      return this.isFac && !this.shownOnly && this.hasRound && this.round.revealed.length < this.round.groups.length;
    },
    get cannotAdd() {
      return !this.draft.trim();
    },
    onDraft: function (ev) {
      this.draft = ev.target.value;
    },
    add: function (kind) {
      var text = this.draft.trim();
      if (!text) return;
      var self = this;
      this.draft = "";
      var sent = this.send("pair.add", { id: this.K.newId("pi"), kind: kind, text: text.slice(0, limits().card) }).then(function (r) {
        if (r && r.t === "error" && !self.draft) self.draft = text; // refused: keep what was typed
        return r;
      });
      sentDraft("pair-new", text, sent);
    },
    addCard: function () {
      this.add("card");
    },
    addNote: function () {
      this.add("note");
    },
    onEnter: function (ev) {
      if (ev.shiftKey || ev.isComposing) return;
      ev.preventDefault();
      this.addCard();
    },
    cmd: function (type, args) {
      return this.send(type, args); // the editor's commands; a refusal shows as the board's error
    },
    addMinute: function () {
      this.send("pairs.time", { seconds: 60 });
    },
    end: function () {
      this.send("pairs.end", {});
    },
    revealAll: function () {
      this.send("pairs.reveal", {});
    },
    reveal: function (i) {
      this.send("pairs.reveal", { group: i });
    },
    place: function (pid) {
      this.send("pairs.move", { pid: pid });
    },
    // A member's select (data-pid): into another group, a new one, or out of the round.
    onMove: function (ev) {
      var pid = ev.target.getAttribute("data-pid");
      var v = ev.target.value;
      var n = this.round ? this.round.groups.length : 0;
      this.send("pairs.move", { pid: pid, group: v === "out" ? null : v === "new" ? n : parseInt(v, 10) });
    },
  }), "pairs");
}

component("pairs", pairsBoard);
