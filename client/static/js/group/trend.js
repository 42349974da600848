/* The evaluation trend: an SVG line chart with a table as its text alternative.
 * Alpine.data('groupTrend'). */
import { svgEl } from "../core/dom.js";
import { kringI18n } from "../core/i18n.js";
import { limits } from "../core/page.js";
import { component } from "../core/store.js";
import { base } from "./base.js";

// An SVG element; the chart appends it itself.
function el(name, attrs, text) {
  return svgEl(name, attrs, null, text);
}

function drawTrend(svg, points, L, label) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  var W = 560;
  var H = 240;
  var left = 54;
  var right = 16;
  var top = 16;
  var bottom = 54;
  var n = points.length;
  var x = function (i) {
    return n <= 1 ? left + (W - left - right) / 2 : left + ((W - left - right) * i) / (n - 1);
  };
  var scale = limits().score; // the evaluation's scores: the y axis
  var lo = scale[0];
  var hi = scale[1];
  var y = function (v) {
    return top + ((H - top - bottom) * (hi - v)) / (hi - lo);
  };
  svg.appendChild(el("title", { id: "trend-svg-title" }, L.grpTrendTitle));
  svg.appendChild(el("desc", { id: "trend-svg-desc" }, label));
  for (var s = lo; s <= hi; s++) {
    svg.appendChild(el("line", { x1: left, x2: W - right, y1: y(s), y2: y(s), class: "trend-grid" }));
    svg.appendChild(el("text", { x: left - 8, y: y(s) + 4, class: "trend-tick", "text-anchor": "end" }, String(s)));
  }
  svg.appendChild(
    el("text", { x: 14, y: top + (H - top - bottom) / 2, class: "trend-axis", "text-anchor": "middle", transform: "rotate(-90 14 " + (top + (H - top - bottom) / 2) + ")" }, L.grpTrendY)
  );
  svg.appendChild(el("text", { x: left + (W - left - right) / 2, y: H - 6, class: "trend-axis", "text-anchor": "middle" }, L.grpTrendX));
  points.forEach(function (p, i) {
    svg.appendChild(el("text", { x: x(i), y: H - bottom + 18, class: "trend-tick", "text-anchor": "middle" }, p.label));
  });
  // Content left of the tick, process right of it: equal means stay two visible marks.
  [
    ["content", "trend-content", "circle", -5],
    ["process", "trend-process", "rect", 5],
  ].forEach(function (series) {
    var key = series[0];
    var pts = [];
    points.forEach(function (p, i) {
      if (p[key] !== null && p[key] !== undefined) pts.push([x(i) + series[3], y(p[key])]);
    });
    if (pts.length > 1) {
      svg.appendChild(
        el("polyline", {
          points: pts
            .map(function (q) {
              return q[0].toFixed(1) + "," + q[1].toFixed(1);
            })
            .join(" "),
          class: "trend-line " + series[1],
        })
      );
    }
    pts.forEach(function (q) {
      if (series[2] === "circle") svg.appendChild(el("circle", { cx: q[0], cy: q[1], r: 5, class: "trend-dot " + series[1] }));
      else svg.appendChild(el("rect", { x: q[0] - 4.5, y: q[1] - 4.5, width: 9, height: 9, class: "trend-dot " + series[1] }));
    });
  });
}

function groupTrend() {
  return base({
    init: function () {
      var self = this;
      window.Alpine.effect(function () {
        var pts = self.points;
        var L = self.L;
        var label = self.summary;
        self.$nextTick(function () {
          var svg = self.$refs.svg;
          if (svg) drawTrend(svg, pts, L, label);
        });
      });
    },
    get points() {
      var self = this;
      var meetings = (this.v && this.v.meetings) || [];
      return ((this.v && this.v.trend) || []).map(function (t) {
        var i = meetings.findIndex(function (m) {
          return m.room === t.room;
        });
        var m = meetings[i] || {};
        return {
          room: t.room,
          label: t.date ? self.date(t.date).replace(/ \d{4}$/, "") : "#" + (i + 1),
          name: (m.title || "#" + (i + 1)) + (t.date ? " (" + self.date(t.date) + ")" : ""),
          content: t.content,
          process: t.process,
        };
      });
    },
    get hasTrend() {
      return this.points.length > 0;
    },
    get noTrend() {
      return this.points.length === 0;
    },
    // A mean as people write it: "3,5" in Dutch, "3.5" in English, a dash when nobody scored.
    num: function (v) {
      if (v === null || v === undefined) return "–";
      return Number(v).toLocaleString(kringI18n.locale(this.K.lang), { maximumFractionDigits: 2 });
    },
    get rows() {
      var self = this;
      return this.points.map(function (p) {
        return { room: p.room, name: p.name, content: self.num(p.content), process: self.num(p.process) };
      });
    },
    // The process score fell over the last meetings: livelier work forms (server/livelier.py).
    get livelier() {
      var v = this.v && this.v.livelier;
      if (!v) return null;
      var lib = (this.v.library || []).concat(this.v.methods || []);
      var self = this;
      var names = v.methods.map(function (id) {
        var m = lib.filter(function (x) {
          return x.id === id;
        })[0];
        return m ? self.tr(m.name) : id;
      });
      var nameOf = function (id) {
        var m = lib.filter(function (x) {
          return x.id === id;
        })[0];
        return m ? self.tr(m.name) : id;
      };
      return {
        text: this.f("grpLivelierText", { scores: v.process.join(" → ") }),
        methods: names.join(", "),
        hasMethods: names.length > 0,
        // Each work form, and the method that opens it where the group has one.
        forms: (v.forms || []).map(function (f) {
          var key = typeof f === "string" ? f : f.form;
          var method = typeof f === "string" ? null : f.method;
          var text = self.L["grpLivelierForm_" + key] || key;
          return { key: key, text: text + (method ? ", " + self.f("grpLivelierIn", { method: nameOf(method) }) : "") + "." };
        }),
      };
    },
    get hasLivelier() {
      return !!this.livelier;
    },
    get summary() {
      var self = this;
      var pts = this.points;
      if (!pts.length) return "";
      var last = pts[pts.length - 1];
      return this.f("grpTrendSummary", {
        n: pts.length,
        content: this.num(last.content),
        process: this.num(last.process),
        first: pts[0].name,
        last: last.name,
      }) + (pts.length > 1 ? " " + self.trendWord("content") + " " + self.trendWord("process") : "");
    },
    trendWord: function (key) {
      var vals = this.points
        .map(function (p) {
          return p[key];
        })
        .filter(function (v) {
          return v !== null && v !== undefined;
        });
      if (vals.length < 2) return "";
      var d = vals[vals.length - 1] - vals[0];
      var which = d > 0.05 ? "Up" : d < -0.05 ? "Down" : "Flat";
      return this.f("grpTrend" + which, { what: key === "content" ? this.L.grpTrendContent : this.L.grpTrendProcess });
    },
  });
}

component("groupTrend", groupTrend);
