/* Kring force field (krachtenveld, Lewin): columns of promoting and hindering forces with ratings,
 * and a live flip-chart diagram.
 *
 * window.KringForcefield.draw(svg, forcefield, lang): the diagram, built with createElementNS and
 *   textContent only (CSP-safe); the report and the projector call it too.
 * Alpine.data('forcefield'): situation texts, the two columns, ratings and flags. Every change is a
 *   command; the server's view is redrawn.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var KEYS = ["importance", "difficulty", "clarity"];
  var SIDES = ["promoting", "hindering"];
  var MAX_TEXT = 300;

  // --- text wrapping (canvas measure, same font as the CSS) --------------------------------
  var ctx = null;
  function measure(text, font) {
    if (ctx === null) ctx = document.createElement("canvas").getContext("2d");
    ctx.font = font;
    return ctx.measureText(text).width;
  }
  function wrap(text, maxWidth, maxLines, font) {
    if (window.KringMindmap) return window.KringMindmap.wrap(text, maxWidth, maxLines, font);
    return [String(text)];
  }

  function mean(f, key) {
    var s = f.summary && f.summary[key];
    return s && s.mean !== null && s.mean !== undefined ? s.mean : null;
  }

  function sorted(forces, side) {
    return Object.keys(forces || {})
      .filter(function (id) {
        return forces[id].side === side;
      })
      .map(function (id) {
        return Object.assign({ id: id }, forces[id]);
      })
      .sort(function (a, b) {
        var ma = mean(a, "importance");
        var mb = mean(b, "importance");
        if (ma === null && mb === null) return 0;
        if (ma === null) return 1;
        if (mb === null) return -1;
        return mb - ma;
      });
  }

  // --- the diagram -------------------------------------------------------------------------
  var W = 760;
  var MID = W / 2;
  var SIDE = 340; // longest arrow (importance 5)
  var FONT = "15px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var FONT_B = "700 15px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var HEAD_FONT = "700 17px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var SIT_FONT = "italic 14px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var TXT_LINE = 19;
  var BAR = 16;
  var HEAD = 14;

  function el(name, attrs, parent, text) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function textBlock(parent, lines, x, y, anchor, cls) {
    var t = el("text", { x: x, y: y, "text-anchor": anchor, class: cls }, parent);
    lines.forEach(function (ln, i) {
      el("tspan", { x: x, dy: i === 0 ? 0 : TXT_LINE }, t, ln);
    });
    return t;
  }

  function arrowRow(g, f, side, y) {
    var imp = mean(f, "importance");
    var len = imp === null ? 70 : 40 + ((SIDE - 40) * (imp - 1)) / 4;
    var dir = side === "promoting" ? 1 : -1;
    var tip = MID - dir * 4; // the arrowhead touches the centre line
    var tail = tip - dir * len;
    var font = f.influenceable ? FONT_B : FONT;
    var label = (f.influenceable ? "★ " : "") + f.text;
    var lines = wrap(label, SIDE - 10, 2, font);
    var tx = side === "promoting" ? MID - 14 : MID + 14;
    var row = el("g", { class: "ff-row ff-" + side + (imp === null ? " ff-unrated" : "") + (f.influenceable ? " ff-flag" : "") }, g);
    el("title", {}, row, f.text);
    textBlock(row, lines, tx, y + 14, side === "promoting" ? "end" : "start", "ff-label");
    var by = y + lines.length * TXT_LINE + 2;
    var shaftEnd = tip - dir * HEAD;
    var x0 = Math.min(tail, shaftEnd);
    el("rect", { x: x0, y: by, width: Math.abs(shaftEnd - tail), height: BAR, class: "ff-shaft" }, row);
    el(
      "path",
      {
        d: "M" + shaftEnd + "," + (by - 6) + " L" + tip + "," + (by + BAR / 2) + " L" + shaftEnd + "," + (by + BAR + 6) + " Z",
        class: "ff-head",
      },
      row
    );
    if (imp !== null) {
      var sx = side === "promoting" ? tail - 8 : tail + 8;
      el("text", { x: sx, y: by + 13, "text-anchor": side === "promoting" ? "end" : "start", class: "ff-score" }, row, imp.toFixed(1));
    }
    return by + BAR + 16 - y;
  }

  function draw(svg, ff, lang) {
    var T = window.kringI18n.section(lang, "forcefield");
    ff = ff || { current: "", desired: "", forces: {} };
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var g = el("g", {}, svg);
    var y = 26;
    // Header: current situation left, desired right.
    el("text", { x: 20, y: y, class: "ff-head-text" }, g, T.current);
    el("text", { x: W - 20, y: y, "text-anchor": "end", class: "ff-head-text" }, g, T.desired + " →");
    var cur = ff.current ? wrap(ff.current, MID - 50, 3, SIT_FONT) : [];
    var des = ff.desired ? wrap(ff.desired, MID - 50, 3, SIT_FONT) : [];
    if (cur.length) textBlock(g, cur, 20, y + 22, "start", "ff-sit");
    if (des.length) textBlock(g, des, W - 20, y + 22, "end", "ff-sit");
    y += 22 + Math.max(cur.length, des.length) * TXT_LINE + 14;
    el("text", { x: MID - 14, y: y, "text-anchor": "end", class: "ff-col ff-col-promoting" }, g, T.promoting + " →");
    el("text", { x: MID + 14, y: y, "text-anchor": "start", class: "ff-col ff-col-hindering" }, g, "← " + T.hindering);
    var top = y + 14;
    var yl = top;
    var yr = top;
    var forces = ff.forces || {};
    sorted(forces, "promoting").forEach(function (f) {
      yl += arrowRow(g, f, "promoting", yl);
    });
    sorted(forces, "hindering").forEach(function (f) {
      yr += arrowRow(g, f, "hindering", yr);
    });
    var bottom = Math.max(yl, yr, top + 60);
    if (yl === top && yr === top) {
      el("text", { x: MID, y: top + 36, "text-anchor": "middle", class: "ff-none" }, g, T.none);
    }
    el("line", { x1: MID, y1: top - 38, x2: MID, y2: bottom, class: "ff-axis" }, g);
    el("text", { x: 20, y: bottom + 22, class: "ff-legend" }, g, T.legend);
    var h = bottom + 34;
    svg.setAttribute("viewBox", "0 0 " + W + " " + h);
    svg.setAttribute("data-height", String(h));
    return h;
  }

  window.KringForcefield = { draw: draw, sorted: sorted, KEYS: KEYS };

  // --- the interactive board ---------------------------------------------------------------
  function component() {
    var sig = "";
    var stopEffect = null;
    return window.KringBoard.withActions({
      drafts: { promoting: "", hindering: "" },
      pending: {}, // force id -> {importance, difficulty, clarity} chosen but not yet complete
      editId: null,
      editText: "",
      sitFocus: null,

      init: function () {
        var self = this;
        stopEffect = Alpine.effect(function () {
          var st = window.KringBoard.rawState(self.$store.kring);
          var lang = self.$store.kring.lang;
          if (!st || !self.$refs.diagram) return;
          var s = JSON.stringify([st.forcefield, lang]);
          if (s === sig) return;
          sig = s;
          draw(self.$refs.diagram, st.forcefield, lang);
          self.syncSituation(st.forcefield);
        });
      },
      destroy: function () {
        if (stopEffect && Alpine.release) Alpine.release(stopEffect);
      },

      get ff() {
        return (this.st && this.st.forcefield) || { current: "", desired: "", forces: {} };
      },
      get toolOpen() {
        return !!this.st && this.$store.kring.tool("forcefield");
      },
      /* Shown where the force field is open, and in the phases before it in a method that uses it,
       * so the current and desired situation can be written down first. */
      get visible() {
        var st = this.st;
        if (!st) return false;
        if (this.toolOpen) return true;
        var phases = st.method.phases;
        for (var i = st.phase.index + 1; i < phases.length; i++) {
          if (phases[i].tools.indexOf("forcefield") >= 0) return true;
        }
        return false;
      },
      get canEdit() {
        return !!this.may.forcefield;
      },
      get canSituation() {
        return !!(this.may.forcefield || this.may.case);
      },
      get noSituation() {
        return !this.canSituation;
      },
      get canRate() {
        return !!this.may.rate && this.toolOpen;
      },
      get promoting() {
        return this.rows("promoting");
      },
      get hindering() {
        return this.rows("hindering");
      },
      get noPromoting() {
        return this.promoting.length === 0;
      },
      get noHindering() {
        return this.hindering.length === 0;
      },
      get currentText() {
        return this.ff.current;
      },
      get desiredText() {
        return this.ff.desired;
      },

      rows: function (side) {
        var me = this.$store.kring.you && this.$store.kring.you.pid;
        var self = this;
        var T = this.L;
        return sorted(this.ff.forces, side).map(function (f) {
          var s = f.summary || {};
          var mine = (f.ratings || {})[me] || null;
          var pend = self.pending[f.id] || {};
          var my = {};
          KEYS.forEach(function (k) {
            my[k] = pend[k] || (mine ? mine[k] : 0);
          });
          var stats = ["difficulty", "clarity"].map(function (k) {
            var m = s[k] || {};
            return {
              key: k,
              label: T[k],
              text: m.mean === null || m.mean === undefined ? "–" : m.mean.toFixed(1) + " ±" + m.spread.toFixed(1),
            };
          });
          var imp = mean(f, "importance");
          return {
            id: f.id,
            side: side,
            text: f.text,
            author: self.$store.kring.name(f.author),
            influenceable: !!f.influenceable,
            flagLabel: f.influenceable ? T.unflag : T.flag,
            n: s.n || 0,
            headline:
              imp === null
                ? T.unrated
                : T.importance + " " + imp.toFixed(1) + " ±" + s.importance.spread.toFixed(1) + " · n=" + (s.n || 0),
            stats: stats,
            my: my,
            incomplete: !!self.pending[f.id],
            editing: self.editId === f.id,
            rowClass: "ff-item ff-item-" + side + (f.influenceable ? " is-flagged" : "") + (imp === null ? " is-unrated" : ""),
          };
        });
      },

      // -- situation --
      syncSituation: function (ff) {
        var refs = this.$refs;
        ["current", "desired"].forEach(function (k) {
          var box = refs[k];
          if (box && document.activeElement !== box && box.value !== ff[k]) box.value = ff[k] || "";
        });
      },
      saveSituation: function (ev) {
        var k = ev.target.getAttribute("data-field");
        var text = ev.target.value.trim();
        if (text === (this.ff[k] || "")) return;
        var args = {};
        args[k] = text;
        this.send("forcefield.set", args);
      },
      situationKey: function (ev) {
        if (ev.key === "Enter" && !ev.shiftKey) {
          ev.preventDefault();
          this.saveSituation(ev); // and keep focus here: blurring would drop a keyboard user on the body
        }
      },

      // -- forces --
      onDraft: function (ev) {
        this.drafts[ev.target.getAttribute("data-side")] = ev.target.value;
      },
      addKey: function (ev) {
        if (ev.key === "Enter") {
          ev.preventDefault();
          this.add(ev.target.getAttribute("data-side"));
        }
      },
      addPromoting: function () {
        this.add("promoting");
      },
      addHindering: function () {
        this.add("hindering");
      },
      add: function (side) {
        var box = document.getElementById("ff-add-" + side);
        var text = (box ? box.value : this.drafts[side]).trim().slice(0, MAX_TEXT);
        if (!text || SIDES.indexOf(side) < 0) return;
        this.send("force.add", { id: this.$store.kring.newId("f"), side: side, text: text });
        if (box) box.value = "";
        this.drafts[side] = "";
      },
      startEdit: function (id) {
        this.editId = id;
        this.editText = (this.ff.forces[id] || {}).text || "";
        var self = this;
        this.$nextTick(function () {
          var box = document.getElementById("ff-edit-" + id);
          if (box) {
            box.value = self.editText;
            box.focus();
          }
        });
      },
      editKey: function (ev) {
        if (ev.key === "Enter") {
          ev.preventDefault();
          this.saveEdit(ev);
        } else if (ev.key === "Escape") {
          this.editId = null;
        }
      },
      saveEdit: function (ev) {
        var id = this.editId;
        if (!id) return;
        var text = ev.target.value.trim().slice(0, MAX_TEXT);
        this.editId = null;
        if (text && this.ff.forces[id] && text !== this.ff.forces[id].text) {
          this.send("force.edit", { id: id, text: text });
        }
      },
      remove: function (id) {
        if (!window.confirm(this.L.confirmRemove)) return;
        this.send("force.remove", { id: id });
      },
      toggleFlag: function (id) {
        var f = this.ff.forces[id];
        if (f) this.send("force.flag", { id: id, influenceable: !f.influenceable });
      },

      // -- ratings: force.rate needs all three; partial choices wait here until complete --
      rate: function (id, key, value) {
        if (!this.canRate) return;
        var me = this.$store.kring.you.pid;
        var f = this.ff.forces[id];
        if (!f) return;
        var base = (f.ratings || {})[me] || {};
        var next = Object.assign({}, base, this.pending[id] || {});
        next[key] = value;
        var complete = KEYS.every(function (k) {
          return next[k] >= 1 && next[k] <= 5;
        });
        if (!complete) {
          var p = Object.assign({}, this.pending);
          p[id] = next;
          this.pending = p;
          return;
        }
        var rest = Object.assign({}, this.pending);
        delete rest[id];
        this.pending = rest;
        this.send("force.rate", { id: id, importance: next.importance, difficulty: next.difficulty, clarity: next.clarity });
      },
      dotClass: function (row, key, v) {
        var cur = row.my[key];
        return "ff-dot" + (cur === v ? " is-mine" : "") + (cur && v <= cur ? " is-on" : "");
      },
      keyLabel: function (key) {
        return this.L[key];
      },
      keyQuestion: function (key) {
        return this.L[key + "Q"];
      },

    }, "forcefield");
  }

  document.addEventListener("alpine:init", function () {
    window.Alpine.data("forcefield", component);
  });
})();
