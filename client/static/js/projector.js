/* Kring projector view (/r/{room}/projector#KEY): the main area alone, large, read-only. It follows
 * the facilitator's phase: phase title, the timer, the question, and the current phase's board.
 * Connecting is conn.js's job (core/session.js); this file only reads Alpine.store('kring'). */
import "./core/conn.js";
import { pageData } from "./core/page.js";
import { PROJECTOR, boot } from "./core/session.js";
import { component } from "./core/store.js";
import { rawState, withActions } from "./tools/board.js";
import { draw as drawForcefield } from "./tools/forcefield-draw.js";
import { watchPicture, withPicture } from "./tools/drawing-draw.js";
import { draw as drawMindmap, viewport } from "./tools/mindmap-draw.js";
import { BIG_MAP, layout, overviewFolds } from "./tools/mindmap-layout.js";
import { proposalsFor } from "./core/proposals.js";
import { groups as pairGroups, shownRound } from "./tools/pairs-rows.js";
import { rows as planRows } from "./tools/plan-rows.js";

function pad(n) {
  return n < 10 ? "0" + n : String(n);
}

function projectorPage() {
  var ticker = null;
  var stopEffect = null;
  var sig = "";
  var vp = null;
  var stopPicture = null;
  return withActions(withPicture({
    clock: 0,

    init: function () {
      var self = this;
      // The projector uses this browser's identity in the room when it has one; otherwise it
      // connects as a read-only screen that joins nobody (hello "projector": true).
      var room = pageData().room || location.pathname.split("/")[2];
      boot(this.$store.kring, room, PROJECTOR);
      ticker = setInterval(function () {
        self.clock = self.$store.kring.now();
      }, 250);
      this.clock = this.$store.kring.now();
      stopEffect = Alpine.effect(function () {
        var st = rawState(self.$store.kring);
        var lang = self.$store.kring.lang;
        if (!st) return;
        var s = JSON.stringify([st.mindmap, st.forcefield, st.phase.index, lang]);
        if (s === sig) return;
        sig = s;
        self.$nextTick(function () {
          self.drawBoards(st, lang);
        });
      });
      stopPicture = watchPicture(this, "drsvg");
    },
    destroy: function () {
      clearInterval(ticker);
      if (stopEffect && Alpine.release) Alpine.release(stopEffect);
      if (stopPicture && Alpine.release) Alpine.release(stopPicture);
    },

    get ready() {
      return !!this.st;
    },
    get waiting() {
      return !this.st;
    },
    get offline() {
      return !!this.st && !this.$store.kring.connected;
    },
    get phase() {
      return this.st ? this.st.method.phases[this.st.phase.index] : null;
    },
    get phaseTitle() {
      return this.phase ? this.$store.kring.tr(this.phase.title) : "";
    },
    get phaseStep() {
      if (!this.st) return "";
      return this.$store.kring.t("phaseOf", { n: this.st.phase.index + 1, m: this.st.method.phases.length });
    },
    get instructions() {
      return this.phase ? this.$store.kring.tr(this.phase.instructions) : "";
    },
    get remainingMs() {
      var t = this.st && this.st.timer;
      if (!t) return 0;
      return t.running ? t.deadline - this.clock : t.remaining_ms;
    },
    get timerText() {
      var ms = this.remainingMs;
      var over = ms < 0;
      var s = Math.floor(Math.abs(ms) / 1000);
      if (!over && Math.abs(ms) % 1000) s = Math.ceil(Math.abs(ms) / 1000);
      var txt = Math.floor(s / 60) + ":" + pad(s % 60);
      return over ? "+" + txt : txt;
    },
    get timerClass() {
      var t = this.st && this.st.timer;
      return "pj-timer" + (this.remainingMs < 0 ? " is-over" : "") + (t && !t.running ? " is-paused" : "");
    },
    get timerNote() {
      var t = this.st && this.st.timer;
      if (this.remainingMs < 0) return this.L.over;
      return t && !t.running ? this.L.paused : "";
    },
    get question() {
      return (this.st && this.st.case.question) || this.L.noQuestion;
    },
    get reformulation() {
      return (this.st && this.st.case.reformulation) || "";
    },
    get hasReformulation() {
      return !!this.reformulation;
    },
    // Open in this phase, or shown read-only from an earlier one (the phase's `show`).
    has: function (tool) {
      return !!this.phase && (this.phase.tools.indexOf(tool) >= 0 || (this.phase.show || []).indexOf(tool) >= 0);
    },
    get showMindmap() {
      return this.has("mindmap");
    },
    get showForces() {
      return this.has("forcefield");
    },
    // The drawing where the phase has it, or given back in this phase; while it is private, who draws.
    get showDrawing() {
      var d = this.dr;
      return this.drHas && (this.has("drawing") || (!!d.given && d.given >= this.st.phase.started));
    },
    /* The current and desired situation: from the phase that opens the force field on, and in the
     * phases before it in a method that uses it (Doel en situatie), as the room shows them. */
    get showSituation() {
      var st = this.st;
      if (!st || !this.phase) return false;
      if (this.has("forcefield")) return true;
      var phases = st.method.phases;
      for (var i = st.phase.index + 1; i < phases.length; i++) {
        if (phases[i].tools.indexOf("forcefield") >= 0) return true;
      }
      return false;
    },
    get currentText() {
      return (this.st && this.st.forcefield.current) || "";
    },
    get desiredText() {
      return (this.st && this.st.forcefield.desired) || "";
    },
    situationClass: function (text) {
      return "pj-sit-text" + (text ? "" : " is-empty");
    },
    get showVote() {
      return this.has("vote");
    },
    get showPlan() {
      return this.has("plan");
    },
    get showCards() {
      return !!this.phase && (this.phase.cards.length > 0 || this.$store.kring.shownKinds().length > 0);
    },
    get cards() {
      var st = this.st;
      if (!st || !this.phase) return [];
      var store = this.$store.kring;
      var onBoard = store.onBoard();
      return Object.keys(st.cards)
        .map(function (id) {
          return Object.assign({ id: id }, st.cards[id]);
        })
        .filter(function (c) {
          return (!c.private || c.revealed) && onBoard(c);
        })
        .sort(function (a, b) {
          return a.at - b.at;
        })
        .map(function (c) {
          return { id: c.id, text: c.text, author: store.name(c.author), cls: "pj-card" + (c.useful ? " is-useful" : "") };
        });
    },
    get noCards() {
      return this.showCards && this.cards.length === 0;
    },
    get notes() {
      var st = this.st;
      if (!st) return [];
      var store = this.$store.kring;
      return Object.keys(st.notes)
        .filter(function (id) {
          return st.notes[id].revealed;
        })
        .map(function (id) {
          return { id: id, text: st.notes[id].text, author: store.name(st.notes[id].author), cls: "pj-card" };
        });
    },
    get showNotes() {
      return this.notes.length > 0 && (this.has("notes") || this.showCards);
    },
    // Pair work (tools/pairs-rows.js): the pairs and their time while they work, the boards the
    // facilitator showed after.
    get pairIndex() {
      return shownRound(this.st);
    },
    get showPairs() {
      return this.pairIndex >= 0;
    },
    get pairsRunning() {
      var rs = (this.st && this.st.pairs) || [];
      var own = this.showPairs && rs[this.pairIndex].phase === this.st.phase.id;
      return own && this.pairIndex === rs.length - 1 && !rs[this.pairIndex].ended;
    },
    get pairsTime() {
      if (!this.pairsRunning) return "";
      var ms = this.st.pairs[this.pairIndex].deadline - this.clock;
      if (ms <= 0) return this.L.pairsTimeUp;
      var s = Math.ceil(ms / 1000);
      return this.L.pairsWorking + " · " + Math.floor(s / 60) + ":" + pad(s % 60);
    },
    get pairGroups() {
      var self = this;
      var store = this.$store.kring;
      if (!this.showPairs) return [];
      return pairGroups(this.st, this.pairIndex, store.name.bind(store), function (i, size) {
        return self.f(size < 3 ? "pairGroup" : "trioGroup", { n: i + 1 });
      }).map(function (g) {
        return Object.assign({}, g, {
          cls: "pj-pair" + (g.shown ? " is-shown" : ""),
          items: g.items.map(function (it) {
            return Object.assign({}, it, { cls: "pj-card" + (it.note ? " is-note" : "") });
          }),
        });
      });
    },
    get votes() {
      var v = this.st && this.st.vote;
      if (!v) return [];
      var store = this.$store.kring;
      var rows = Object.keys(v.candidates).map(function (id) {
        var c = v.candidates[id];
        return {
          id: id,
          text: c.text,
          count: v.closed ? store.t("vote.count", { n: c.votes || 0 }) : store.name(c.author),
          n: c.votes || 0,
          cls: v.chosen === id ? "is-chosen" : "",
        };
      });
      if (v.closed) {
        rows.sort(function (a, b) {
          return b.n - a.n;
        });
      }
      return rows;
    },
    // This phase's outcome fields, and earlier ones where this phase shows them.
    get outcomes() {
      var st = this.st;
      var p = this.phase;
      if (!st || !p) return [];
      var store = this.$store.kring;
      var texts = st.outcomes || {};
      var L = this.L;
      var rows = [];
      var pinned = (p.show || []).indexOf("outcomes") >= 0;
      st.method.phases.forEach(function (q, i) {
        var mine = q.id === p.id;
        if (!mine && !(pinned && i < st.phase.index)) return;
        (q.outcomes || []).forEach(function (o) {
          var text = texts[q.id + "/" + o.id] || "";
          if (!mine && !text) return;
          var key = q.id + "/" + o.id;
          // The proposals the group is voting on for this phase's field, most votes first.
          var proposals = !mine || !o.propose ? [] : proposalsFor(st, key).map(function (x) {
            return { id: x.id, text: x.text, votes: store.t("proposalVotes", { n: x.votes }), cls: x.adopted ? "is-adopted" : "" };
          });
          rows.push({ key: key, label: store.tr(o.label), text: text || L.empty, cls: text ? "" : "is-empty", proposals: proposals, hasProposals: proposals.length > 0 });
        });
      });
      return rows;
    },
    get showOutcomes() {
      return this.outcomes.length > 0;
    },
    // The knowledge input beside the case (its link as text: the beamer PC opens nothing).
    get knowledge() {
      var k = this.st && this.st.knowledge;
      return k ? { title: k.title || this.L.knowledge, text: k.text, link: k.link || "" } : null;
    },
    get hasKnowledge() {
      return !!this.knowledge;
    },
    // Whose turn it is in a running round, and who is next.
    get turn() {
      var r = this.st && this.st.round;
      if (!r || r.done) return "";
      var store = this.$store.kring;
      var now = store.name(r.order[r.index]);
      var next = r.index + 1 < r.order.length ? store.name(r.order[r.index + 1]) : "";
      return next ? store.t("projector.turnNext", { now: now, next: next }) : store.t("projector.turn", { now: now });
    },
    get hasTurn() {
      return !!this.turn;
    },
    get votesOpen() {
      return !!this.st && !this.st.vote.closed;
    },
    get plan() {
      var st = this.st;
      if (!st) return [];
      var form = this.phase && this.phase.tools.indexOf("plan") >= 0 ? this.phase.plan : "smart";
      return planRows(st.plan, this.$store.kring.lang, this.L.empty, form);
    },

    drawBoards: function (st, lang) {
      if (this.showMindmap && this.$refs.mmsvg) {
        var svg = this.$refs.mmsvg;
        var g = this.$refs.mmworld;
        // A big map is shown as its overview (first-level branches with the count they hold).
        var big = Object.keys(st.mindmap.nodes).length >= BIG_MAP;
        var lay = layout(st.mindmap.nodes, st.mindmap.root, lang, big ? overviewFolds(st.mindmap.nodes) : null);
        drawMindmap(g, lay, { toggles: big });
        if (!vp) vp = viewport(svg, g);
        vp.fit(lay.bounds, 0.6, lay.items.root.y + lay.items.root.h / 2, 1.8);
      }
      if (this.showForces && this.$refs.ffsvg) {
        drawForcefield(this.$refs.ffsvg, st.forcefield, lang);
      }
    },
  }), "projector");
}

component("projector", projectorPage);
