/* The force field's diagram (krachtenveld, Lewin): a live flip-chart of the promoting and
 * hindering forces, each an arrow as long as its mean importance. Built with createElementNS and
 * textContent only (CSP-safe); the board (tools/forcefield.js), the report and the projector draw it.
 *
 *   draw(svg, forcefield, lang)   (re)draws the diagram; returns its height
 *   sorted(forces, side)          one side's forces [{id, ...force}], most important first
 *   mean(force, key)              the mean of one rating key, or null when nobody rated it
 *   score(force, key)             what the diagram uses: the inbrenger's own score once given
 *                                 (they decide, the method says), else the group's mean
 */
import { svgEl } from "../core/dom.js";
import { kringI18n } from "../core/i18n.js";
import { dict } from "../core/maps.js";
import { limits } from "../core/page.js";
import { wrap } from "../core/text.js";

// The rating that sizes a force's arrow and orders the forces; the others are shown beside it.
export var HEADLINE = "importance";

export function mean(f, key) {
  var s = f.summary && f.summary[key];
  return s && s.mean !== null && s.mean !== undefined ? s.mean : null;
}

export function score(f, key) {
  return f.decided ? f.decided[key] : mean(f, key);
}

export function sorted(forces, side) {
  return Object.keys(forces || {})
    .filter(function (id) {
      return forces[id].side === side;
    })
    .map(function (id) {
      return Object.assign({ id: id }, forces[id]);
    })
    .sort(function (a, b) {
      var ma = score(a, HEADLINE);
      var mb = score(b, HEADLINE);
      if (ma === null && mb === null) return 0;
      if (ma === null) return 1;
      if (mb === null) return -1;
      return mb - ma;
    });
}

// --- the diagram -------------------------------------------------------------------------
var W = 760;
var MID = W / 2;
var SIDE = 340; // the longest arrow (the highest mean importance)
var SHORTEST = 40; // the shortest arrow (the lowest)
var FONT = "15px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
var FONT_B = "700 15px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
var HEAD_FONT = "700 17px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
var SIT_FONT = "italic 14px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
var TXT_LINE = 19;
var BAR = 16;
var HEAD = 14;

var el = svgEl;

function textBlock(parent, lines, x, y, anchor, cls) {
  var t = el("text", { x: x, y: y, "text-anchor": anchor, class: cls }, parent);
  lines.forEach(function (ln, i) {
    el("tspan", { x: x, dy: i === 0 ? 0 : TXT_LINE }, t, ln);
  });
  return t;
}

function arrowRow(g, f, side, y, at) {
  var imp = score(f, HEADLINE);
  var scale = limits().score;
  var len = imp === null ? 70 : SHORTEST + ((SIDE - SHORTEST) * (imp - scale[0])) / (scale[1] - scale[0]);
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
    var txt = f.decided ? String(imp) : imp.toFixed(1);
    el("text", { x: sx, y: by + 13, "text-anchor": side === "promoting" ? "end" : "start", class: "ff-score" + (f.decided ? " ff-decided" : "") }, row, txt);
  }
  at[f.id] = { tail: tail, head: MID - dir * 70, y: by + BAR / 2, side: side };
  return by + BAR + 16 - y;
}

// "Hangt samen met": a dashed curve between two forces' arrows, bowed away from the centre line
// when both are on one side.
function linkPath(g, a, b) {
  var d;
  if (a.side === b.side) {
    var out = a.side === "promoting" ? 6 : W - 6;
    d = "M" + a.tail + "," + a.y + " C" + out + "," + a.y + " " + out + "," + b.y + " " + b.tail + "," + b.y;
  } else {
    d = "M" + a.head + "," + a.y + " Q" + MID + "," + (Math.max(a.y, b.y) + 40) + " " + b.head + "," + b.y;
  }
  el("path", { d: d, class: "ff-link" }, g);
}

export function draw(svg, ff, lang) {
  var T = kringI18n.section(lang, "forcefield");
  ff = ff || { current: "", desired: "", forces: dict() };
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
  var forces = ff.forces || dict();
  var at = dict();
  sorted(forces, "promoting").forEach(function (f) {
    yl += arrowRow(g, f, "promoting", yl, at);
  });
  sorted(forces, "hindering").forEach(function (f) {
    yr += arrowRow(g, f, "hindering", yr, at);
  });
  var links = el("g", { class: "ff-links" }, g);
  (ff.links || []).forEach(function (pair) {
    if (at[pair[0]] && at[pair[1]]) linkPath(links, at[pair[0]], at[pair[1]]);
  });
  var bottom = Math.max(yl, yr, top + 60);
  if (yl === top && yr === top) {
    el("text", { x: MID, y: top + 36, "text-anchor": "middle", class: "ff-none" }, g, T.none);
  }
  el("line", { x1: MID, y1: top - 38, x2: MID, y2: bottom, class: "ff-axis" }, g);
  var legend = wrap(T.legend, W - 40, 3, "13px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif");
  textBlock(g, legend, 20, bottom + 22, "start", "ff-legend");
  var h = bottom + 34 + (legend.length - 1) * TXT_LINE;
  svg.setAttribute("viewBox", "0 0 " + W + " " + h);
  svg.setAttribute("data-height", String(h));
  return h;
}
