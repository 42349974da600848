/* What earlier phases left: their cards, and the mind-map and the force field as read-only lists in
 * phases where their board is closed. Alpine.data('earlierPanel'). */
import { dict } from "../core/maps.js";
import { component } from "../core/store.js";
import { base, byAt, keep, kindRank, memo } from "./base.js";

function earlierPanel() {
  var rows = dict(); // card id -> its last row (see keep())
  var phasesOf = memo(); // read three times a render (the list, hasAny, summaryText): made once
  return base({
    // Cards of other phases, by phase; cards whose phase is not in this method (kept from the
    // method used before a switch to the basic method) come first, under "from the earlier method".
    get phases() {
      var self = this;
      var st = this.st;
      if (!st) return [];
      var K = this.K;
      return phasesOf([st.cards, st.phase, st.method, st.participants, K.lang, K.you], function () {
        return self.phasesNow(st);
      });
    },
    phasesNow: function (st) {
      var self = this;
      var cards = st.cards || dict();
      var byPhase = dict();
      Object.keys(cards).forEach(function (cid) {
        var c = cards[cid];
        if (c.phase === st.phase.id) return;
        (byPhase[c.phase] = byPhase[c.phase] || []).push(Object.assign({ id: cid }, c));
      });
      var known = dict();
      var groups = this.phaseList.map(function (p) {
        known[p.id] = true;
        return { id: p.id, title: self.tr(p.title), list: byPhase[p.id] || [] };
      });
      var other = [];
      Object.keys(byPhase).forEach(function (pid) {
        if (!known[pid]) other = other.concat(byPhase[pid]);
      });
      groups.unshift({ id: "~earlier-method", title: this.L.earlierMethod, list: other });
      return groups
        .filter(function (g) {
          return g.list.length > 0;
        })
        .map(function (g) {
          var list = g.list
            .sort(function (a, b) {
              return kindRank(a.kind) - kindRank(b.kind) || byAt(a, b);
            })
            .map(function (c) {
              return keep(rows, c.id, {
                id: c.id,
                kind: self.kindLabel(c.kind),
                text: c.text,
                author: self.nameOf(c.author),
                cls: "card" + (c.useful ? " is-useful" : ""),
              });
            });
          return { id: g.id, title: g.title, cards: list };
        });
    },
    // The mind-map and the force field as read-only lists, in phases where their board is closed.
    get mindmapItems() {
      var mm = this.st && this.st.mindmap;
      if (!mm || this.K.tool("mindmap") || this.K.shown("mindmap")) return [];
      var kids = dict();
      Object.keys(mm.nodes).forEach(function (id) {
        (kids[mm.nodes[id].parent] = kids[mm.nodes[id].parent] || []).push(id);
      });
      var out = [];
      (function walk(parent, depth) {
        (kids[parent] || []).forEach(function (id) {
          out.push({ id: id, text: mm.nodes[id].text, cls: "earlier-node d" + Math.min(depth, 5) });
          walk(id, depth + 1);
        });
      })("root", 1);
      return out;
    },
    get hasMindmap() {
      return this.mindmapItems.length > 0;
    },
    get mindmapRoot() {
      return (this.st && this.st.mindmap.root) || "";
    },
    get forces() {
      var self = this;
      var ff = this.st && this.st.forcefield;
      if (!ff || this.K.tool("forcefield") || this.K.shown("forcefield")) return [];
      return Object.keys(ff.forces).map(function (id) {
        var f = ff.forces[id];
        return { id: id, text: f.text, side: self.L["force_" + f.side] || f.side };
      });
    },
    get hasForces() {
      return this.forces.length > 0;
    },
    get hasAny() {
      return this.phases.length > 0 || this.hasMindmap || this.hasForces;
    },
    get summaryText() {
      var n = this.phases.reduce(function (a, p) {
        return a + p.cards.length;
      }, 0);
      var text = this.f("earlierPhases", { n: n });
      if (this.hasMindmap) text += " · " + this.f("earlierMindmapCount", { n: this.mindmapItems.length });
      if (this.hasForces) text += " · " + this.f("earlierForcesCount", { n: this.forces.length });
      return text;
    },
  });
}

component("earlierPanel", earlierPanel);
