/* Drawing the mind-map's layout (tools/mindmap-layout.js) as SVG, with createElementNS and
 * textContent only (CSP-safe), and the pan-and-zoom viewport around it. The board, the report and
 * the projector use both.
 *
 *   draw(svgGroup, layout, opts)  (re)builds the nodes and edges; opts.selected, opts.toggles
 *   viewport(svg, g)              pan and zoom of one <g> inside one <svg>: {k, tx, ty, touched,
 *                                 apply, size, fit, zoom, toScreen, ensureVisible}
 */
import { svgEl as el } from "../core/dom.js";
import { LINE_H, PAD_X, PAD_Y } from "./mindmap-layout.js";

// --- drawing -----------------------------------------------------------------------------
function edgePath(a, b) {
  var x1 = a.x + a.w + (a.childCount && !a.root ? 22 : 0);
  var y1 = a.y + a.h / 2;
  var x2 = b.x;
  var y2 = b.y + b.h / 2;
  var mx = x1 + Math.max(16, (x2 - x1) / 2);
  return "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + mx + "," + y2 + " " + x2 + "," + y2;
}

/* Draw `lay` into `g`. Node groups are kept per id between calls and only rebuilt when their
 * text or fold state changes, so a 200-node map redraws cheaply on every update. */
export function draw(g, lay, opts) {
  opts = opts || {};
  var cache = g._mmCache;
  if (!cache || cache.g !== g || !g.firstChild) {
    while (g.firstChild) g.removeChild(g.firstChild);
    cache = { g: g, nodes: new Map(), edges: el("g", { class: "mm-edges" }, g), layer: el("g", { class: "mm-nodes" }, g) };
    g._mmCache = cache;
  }
  // Edges: reuse paths by position.
  var paths = cache.edges.childNodes;
  lay.edges.forEach(function (e, i) {
    var d = edgePath(e.from, e.to);
    var p = paths[i] || el("path", { class: "mm-edge" }, cache.edges);
    if (p.getAttribute("d") !== d) p.setAttribute("d", d);
  });
  while (paths.length > lay.edges.length) cache.edges.removeChild(cache.edges.lastChild);
  // Nodes: keyed by id.
  var seen = new Set();
  lay.order.forEach(function (id) {
    var it = lay.items[id];
    seen.add(id);
    var sigNode = it.text + "\u0000" + it.hidden + "\u0000" + it.childCount + "\u0000" + (opts.toggles !== false);
    var rec = cache.nodes.get(id);
    if (!rec || rec.sig !== sigNode) {
      var ng = buildNode(it, opts);
      if (rec) cache.layer.replaceChild(ng, rec.g);
      else cache.layer.appendChild(ng);
      rec = { g: ng, sig: sigNode, tr: "", cls: "" };
      cache.nodes.set(id, rec);
    }
    var tr = "translate(" + it.x + "," + it.y + ")";
    if (rec.tr !== tr) {
      rec.g.setAttribute("transform", tr);
      rec.tr = tr;
    }
    var cls = "mm-node" + (it.root ? " mm-root" : "") + (opts.selected === id ? " mm-selected" : "");
    if (rec.cls !== cls) {
      rec.g.setAttribute("class", cls);
      rec.cls = cls;
    }
  });
  cache.nodes.forEach(function (rec, id) {
    if (!seen.has(id)) {
      cache.layer.removeChild(rec.g);
      cache.nodes.delete(id);
    }
  });
}

function buildNode(it, opts) {
  var ng = el("g", { "data-id": it.id });
  var title = el("title", {}, ng);
  title.textContent = it.text;
  el("rect", { width: it.w, height: it.h, rx: it.root ? 8 : 6, ry: it.root ? 8 : 6 }, ng);
  var t = el("text", { x: PAD_X, y: PAD_Y + 14 }, ng);
  it.lines.forEach(function (ln, i) {
    var span = el("tspan", { x: PAD_X, dy: i === 0 ? 0 : LINE_H }, t);
    span.textContent = ln;
  });
  if (it.childCount && !it.root && opts.toggles !== false) {
    // Fold or unfold a branch; a folded one shows how many nodes it hides.
    var label = it.hidden ? "+" + it.hidden : "−";
    var tw = it.hidden ? Math.max(22, 9 + 7.5 * label.length) : 18;
    var tg = el("g", { class: "mm-toggle" + (it.hidden ? " is-folded" : ""), "data-toggle": it.id }, ng);
    el("rect", { x: it.w + 4, y: it.h / 2 - 9, width: tw, height: 18, rx: 9, ry: 9 }, tg);
    var tt = el("text", { x: it.w + 4 + tw / 2, y: it.h / 2 + 4.5, "text-anchor": "middle" }, tg);
    tt.textContent = label;
  }
  return ng;
}

/* Pan and zoom of one <g> inside one <svg>; returns a small controller. */
export function viewport(svg, g) {
  var v = { k: 1, tx: 20, ty: 20, touched: false };
  function apply() {
    g.setAttribute("transform", "translate(" + v.tx + "," + v.ty + ") scale(" + v.k + ")");
  }
  v.apply = apply;
  v.size = function () {
    var r = svg.getBoundingClientRect();
    return { w: r.width || 800, h: r.height || 500 };
  };
  v.fit = function (b, minK, anchorY, maxK) {
    var s = v.size();
    var pad = 24;
    var k = Math.min((s.w - 2 * pad) / Math.max(b.w, 1), (s.h - 2 * pad) / Math.max(b.h, 1), maxK || 1.1);
    if (minK && k < minK) {
      k = minK;
      v.k = k;
      v.tx = pad - b.x * k;
      v.ty = s.h / 2 - (anchorY === undefined ? b.y + b.h / 2 : anchorY) * k;
    } else {
      v.k = k;
      v.tx = (s.w - b.w * k) / 2 - b.x * k;
      v.ty = (s.h - b.h * k) / 2 - b.y * k;
    }
    apply();
  };
  v.zoom = function (factor, cx, cy) {
    var s = v.size();
    if (cx === undefined) {
      cx = s.w / 2;
      cy = s.h / 2;
    }
    var k = Math.min(3, Math.max(0.08, v.k * factor));
    v.tx = cx - ((cx - v.tx) * k) / v.k;
    v.ty = cy - ((cy - v.ty) * k) / v.k;
    v.k = k;
    v.touched = true;
    apply();
  };
  v.toScreen = function (x, y) {
    return { x: x * v.k + v.tx, y: y * v.k + v.ty };
  };
  v.ensureVisible = function (it) {
    var s = v.size();
    var p = v.toScreen(it.x, it.y);
    var w = it.w * v.k;
    var h = it.h * v.k;
    var dx = 0;
    var dy = 0;
    if (p.x < 10) dx = 10 - p.x;
    else if (p.x + w > s.w - 10) dx = s.w - 10 - (p.x + w);
    if (p.y < 10) dy = 10 - p.y;
    else if (p.y + h > s.h - 10) dy = s.h - 10 - (p.y + h);
    if (dx || dy) {
      v.tx += dx;
      v.ty += dy;
      apply();
    }
  };
  apply();
  return v;
}
