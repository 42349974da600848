/* The mind-map's layout: a shared tree with the case question as root, as a tidy tree, root left,
 * children to the right, each subtree a vertical band as tall as its leaves need. Pure arithmetic
 * on the view's nodes (plus measuring text); tools/mindmap-draw.js draws it, tools/mindmap.js is the
 * board, and the report and the projector use both.
 *
 *   layout(nodes, rootText, lang, collapsed) -> {items, order, edges, bounds}
 *   outline(nodes, rootText)    the map as a nested outline [{id, text, children}] under the root
 *   subtreeSize(nodes, id)      how many nodes a branch holds, itself included
 *   overviewFolds(nodes)        the first-level branches with children (folded: a one-screen overview)
 *   BIG_MAP                     from this many nodes a newly opened map starts as an overview
 */
import { kringI18n } from "../core/i18n.js";
import { dict } from "../core/maps.js";
import { measure, wrap } from "../core/text.js";

var FONT = "14px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
var ROOT_FONT = "600 15px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
export var LINE_H = 18;
export var PAD_X = 9;
export var PAD_Y = 7;
export var GAP_X = 44;
export var GAP_Y = 8;
export var MAX_W = 210;
var ROOT_MAX_W = 270;
var MAX_LINES = 3;
var ROOT_LINES = 6;

// --- layout ------------------------------------------------------------------------------
function childrenOf(nodes) {
  var kids = dict();
  Object.keys(nodes).forEach(function (id) {
    var p = nodes[id].parent;
    (kids[p] || (kids[p] = [])).push(id);
  });
  return kids;
}

/* collapsed: optional {id: true} of branches drawn folded (a local view choice, never sent). */
export function layout(nodes, rootText, lang, collapsed) {
  nodes = nodes || dict();
  collapsed = collapsed || dict();
  var kids = childrenOf(nodes);
  var items = dict();
  var order = [];
  var colW = [];
  var rootLabel = rootText || kringI18n.t(lang, "mindmap.root");

  function build(id, text, depth, isRoot) {
    var font = isRoot ? ROOT_FONT : FONT;
    var maxW = isRoot ? ROOT_MAX_W : MAX_W;
    var lines = wrap(text, maxW - 2 * PAD_X, isRoot ? ROOT_LINES : MAX_LINES, font);
    var tw = 0;
    lines.forEach(function (ln) {
      tw = Math.max(tw, measure(ln, font));
    });
    var it = {
      id: id,
      text: text,
      lines: lines,
      depth: depth,
      root: isRoot,
      w: Math.max(56, Math.ceil(tw) + 2 * PAD_X),
      h: lines.length * LINE_H + 2 * PAD_Y,
      kids: [],
      hidden: 0,
      childCount: (kids[id] || []).length,
      x: 0,
      y: 0,
      parent: isRoot ? null : nodes[id].parent,
    };
    items[id] = it;
    order.push(id);
    colW[depth] = Math.max(colW[depth] || 0, it.w);
    if (collapsed[id] && !isRoot && it.childCount) {
      it.hidden = subtreeSize(nodes, id, kids) - 1;
    } else {
      (kids[id] || []).forEach(function (k) {
        if (!items[k]) it.kids.push(build(k, nodes[k].text, depth + 1, false));
      });
    }
    return it;
  }
  var root = build("root", rootLabel, 0, true);

  var colX = [0];
  for (var d = 1; d < colW.length; d++) colX[d] = colX[d - 1] + colW[d - 1] + GAP_X;

  // Each subtree takes a vertical band; a parent sits in the middle of its children's band.
  var cursor = 0;
  function place(it) {
    it.x = colX[it.depth];
    var start = cursor;
    if (!it.kids.length) {
      it.y = cursor;
      cursor += it.h + GAP_Y;
      return;
    }
    it.kids.forEach(place);
    var span = cursor - GAP_Y - start;
    if (it.h > span) {
      shift(it.kids, (it.h - span) / 2);
      cursor = start + it.h + GAP_Y;
      span = it.h;
    }
    var first = it.kids[0];
    var last = it.kids[it.kids.length - 1];
    var mid = (first.y + first.h / 2 + last.y + last.h / 2) / 2;
    it.y = mid - it.h / 2;
  }
  function shift(list, dy) {
    list.forEach(function (k) {
      k.y += dy;
      shift(k.kids, dy);
    });
  }
  place(root);

  var edges = [];
  var maxX = 0;
  var maxY = 0;
  order.forEach(function (id) {
    var it = items[id];
    maxX = Math.max(maxX, it.x + it.w);
    maxY = Math.max(maxY, it.y + it.h);
    it.kids.forEach(function (k) {
      edges.push({ from: it, to: k });
    });
  });
  return { items: items, order: order, edges: edges, bounds: { x: 0, y: 0, w: maxX, h: maxY } };
}

/* The mind-map as a nested outline: [{text, children:[...]}] with the root first. */
export function outline(nodes, rootText) {
  nodes = nodes || dict();
  var kids = childrenOf(nodes);
  function walk(id) {
    return (kids[id] || []).map(function (k) {
      return { id: k, text: nodes[k].text, children: walk(k) };
    });
  }
  return { id: "root", text: rootText, children: walk("root") };
}

export function subtreeSize(nodes, id, kids) {
  kids = kids || childrenOf(nodes);
  var n = 0;
  var stack = [id];
  while (stack.length) {
    var cur = stack.pop();
    n += 1;
    stack.push.apply(stack, kids[cur] || []);
  }
  return n;
}

/* The first-level branches that have children: folding them gives a one-screen overview. */
export function overviewFolds(nodes) {
  var hasKids = dict();
  var out = dict();
  Object.keys(nodes || {}).forEach(function (id) {
    hasKids[nodes[id].parent] = true;
  });
  Object.keys(nodes || {}).forEach(function (id) {
    if (nodes[id].parent === "root" && hasKids[id]) out[id] = true;
  });
  return out;
}
export var BIG_MAP = 60; // from this many nodes a newly opened map starts as an overview
