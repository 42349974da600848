/* The drawing board's picture in the page: the SVG elements of tools/drawing-geom.js (the same as
 * the Markdown report's image, server/drawing_svg.py) built with createElementNS, for the board, the
 * projector and the report page; the palette from the page data; the drawers' names as a phrase. */
import { svgEl } from "../core/dom.js";
import { kringI18n } from "../core/i18n.js";
import { enums, limits } from "../core/page.js";
import { define } from "../core/store.js";
import { svgItems } from "./drawing-geom.js";

// Colour name -> paint, from the server's list (server/drawing_svg.py COLORS).
export function palette() {
  var e = enums();
  var out = {};
  (e.draw_colors || []).forEach(function (c, i) {
    out[c] = e.draw_palette[i];
  });
  return out;
}

export function size() {
  var s = limits().draw_size;
  return { w: s[0], h: s[1] };
}

// Draw the strokes into `g` (emptied first); each stroke is a <g data-id> with its elements.
export function drawInto(g, drawing, pal) {
  g.replaceChildren();
  svgItems(drawing, pal || palette()).forEach(function (e) {
    var grp = svgEl("g", { class: "dr-stroke", "data-id": e[0] }, g);
    e[1].forEach(function (it) {
      svgEl(it[0], it[1], grp, it[2] === null ? undefined : it[2]);
    });
  });
}

// Fill an <svg> for reading (projector, report): white paper, the fixed space, the strokes.
export function drawSvg(svg, drawing) {
  var s = size();
  svg.setAttribute("viewBox", "0 0 " + s.w + " " + s.h);
  svg.replaceChildren();
  svgEl("rect", { x: "0", y: "0", width: String(s.w), height: String(s.h), fill: "#ffffff" }, svg);
  drawInto(svgEl("g", { "font-family": "sans-serif" }, svg), drawing);
}

// "Anna", "Anna en Bram", "Anna, Bram en Cor".
export function namesText(store, pids, and) {
  var names = (pids || []).map(function (p) {
    return store.name(p);
  });
  if (names.length < 2) return names.join("");
  return names.slice(0, -1).join(", ") + " " + and + " " + names[names.length - 1];
}

// The labels and the description as text beside the picture: [{id, text}] in drawing order.
export function labelRows(drawing) {
  var strokes = (drawing && drawing.strokes) || {};
  return Object.keys(strokes)
    .filter(function (id) {
      return !!strokes[id].label;
    })
    .sort(function (a, b) {
      return strokes[a].at - strokes[b].at;
    })
    .map(function (id) {
      return { id: id, text: strokes[id].label };
    });
}

// For the pages that read the picture (the projector, the report): its words, who draws in
// private, and `watchPicture`, which keeps an <svg> drawn as the view's drawing changes.
var reading = {
  get dr() {
    var st = this.$store.kring.state;
    return (st && st.drawing) || null;
  },
  get drHas() {
    var d = this.dr;
    return !!d && !d.private && (Object.keys(d.strokes).length > 0 || !!d.description);
  },
  get drTitle() {
    return kringI18n.t(this.$store.kring.lang, "drawing.title");
  },
  get drDescription() {
    return (this.dr && this.dr.description) || "";
  },
  get drLabels() {
    return labelRows(this.dr);
  },
  get drHasLabels() {
    return this.drLabels.length > 0;
  },
  get drSvgLabel() {
    return this.drTitle + (this.drDescription ? ": " + this.drDescription : "");
  },
  get drPrivateText() {
    var d = this.dr;
    var K = this.$store.kring;
    if (!d || !d.private) return "";
    var names = namesText(K, d.drawers, kringI18n.t(K.lang, "drawing.and"));
    return kringI18n.t(K.lang, "drawing.drawingNow", { n: d.drawers.length, names: names });
  },
};

export function withPicture(component) {
  return define(component, reading);
}

export function watchPicture(self, ref) {
  var last = null;
  return Alpine.effect(function () {
    var st = self.$store.kring.state;
    var d = st && st.drawing;
    if (!d || d === last) return;
    last = d;
    self.$nextTick(function () {
      var svg = self.$refs[ref];
      if (svg) drawSvg(svg, d);
    });
  });
}
