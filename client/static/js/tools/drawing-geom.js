/* The drawing board's geometry and picture, kept equal to server/drawing_svg.py (the unit test
 * tests/unit/test_drawing.py runs both on the same fixtures): Ramer-Douglas-Peucker on integer
 * points with integer arithmetic only, and the SVG elements of a drawing as data
 * ([tag, {attribute: value}, text or null]) that the board, the projector and the report build
 * with createElementNS (tools/drawing-draw.js), and that the Markdown report embeds as an image.
 * No imports: node loads this file as it is. */

// The shapes a stroke may have, in the toolbar's order: the geometry below knows each of them, and
// the unit test holds this list equal to server/drawing_svg.py SHAPES.
export var SHAPES = ["pen", "line", "rect", "ellipse", "text"];
var STROKE_WIDTH = 4;
var TEXT_SIZE = 28;
var LABEL_SIZE = 18;

export function dedupe(points) {
  var out = [];
  for (var i = 0; i < points.length; i++) {
    var p = points[i];
    var last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push([p[0], p[1]]);
  }
  return out;
}

// How far p is from the line a-b, squared and scaled: > 0 when farther than eps (exact on integers).
function far(p, a, b, eps) {
  var dx = b[0] - a[0];
  var dy = b[1] - a[1];
  var len2 = dx * dx + dy * dy;
  if (len2 === 0) {
    var ex = p[0] - a[0];
    var ey = p[1] - a[1];
    return ex * ex + ey * ey - eps * eps;
  }
  var cross = dx * (p[1] - a[1]) - dy * (p[0] - a[0]);
  return cross * cross - eps * eps * len2;
}

export function simplify(points, eps) {
  var pts = dedupe(points);
  var n = pts.length;
  if (n <= 2) return pts;
  var keep = new Array(n).fill(false);
  keep[0] = keep[n - 1] = true;
  var stack = [[0, n - 1]];
  while (stack.length) {
    var seg = stack.pop();
    var i = seg[0];
    var j = seg[1];
    var best = 0;
    var at = -1;
    for (var k = i + 1; k < j; k++) {
      var d = far(pts[k], pts[i], pts[j], 0);
      if (d > best) {
        best = d;
        at = k;
      }
    }
    if (at >= 0 && far(pts[at], pts[i], pts[j], eps) > 0) {
      keep[at] = true;
      stack.push([i, at]);
      stack.push([at, j]);
    }
  }
  return pts.filter(function (_, idx) {
    return keep[idx];
  });
}

/* A pen stroke ready to send: simplified, and simplified harder (twice the tolerance each time)
 * until it has at most `cap` points. */
export function fit(points, eps, cap) {
  var e = Math.max(1, eps);
  var out = simplify(points, e);
  while (out.length > cap) {
    e *= 2;
    out = simplify(out, e);
  }
  return out;
}

function half(n) {
  return n % 2 === 0 ? String(n / 2) : Math.floor(n / 2) + ".5";
}

export function strokeItems(s, palette) {
  var pts = s.points;
  var c = palette[s.color] || palette.black;
  var shape = s.shape;
  var out = [];
  var line = { stroke: c, "stroke-width": String(STROKE_WIDTH), fill: "none" };
  var rnd = { "stroke-linecap": "round", "stroke-linejoin": "round" };
  var both = function (a, b, c2) {
    return Object.assign({}, a, b, c2 || {});
  };
  if (shape === "text") {
    return [["text", { x: String(pts[0][0]), y: String(pts[0][1]), "font-size": String(TEXT_SIZE), fill: c }, s.label || ""]];
  }
  if (shape === "pen" && pts.length === 1) {
    out.push(["circle", { cx: String(pts[0][0]), cy: String(pts[0][1]), r: String(STROKE_WIDTH), fill: c }, null]);
  } else if (shape === "pen") {
    var xy = pts.map(function (p) {
      return p[0] + "," + p[1];
    });
    out.push(["polyline", both({ points: xy.join(" ") }, line, rnd), null]);
  } else if (shape === "line") {
    var seg = { x1: String(pts[0][0]), y1: String(pts[0][1]), x2: String(pts[1][0]), y2: String(pts[1][1]) };
    out.push(["line", both(seg, line, rnd), null]);
  } else {
    var lx = Math.min(pts[0][0], pts[1][0]);
    var ly = Math.min(pts[0][1], pts[1][1]);
    var hx = Math.max(pts[0][0], pts[1][0]);
    var hy = Math.max(pts[0][1], pts[1][1]);
    if (shape === "rect") {
      out.push(["rect", both({ x: String(lx), y: String(ly), width: String(hx - lx), height: String(hy - ly) }, line), null]);
    } else {
      out.push(["ellipse", both({ cx: half(lx + hx), cy: half(ly + hy), rx: half(hx - lx), ry: half(hy - ly) }, line), null]);
    }
  }
  if (s.label) {
    var minX = Math.min.apply(null, pts.map(function (p) { return p[0]; }));
    var minY = Math.min.apply(null, pts.map(function (p) { return p[1]; }));
    out.push(["text", { x: String(minX), y: String(Math.max(LABEL_SIZE, minY - 6)), "font-size": String(LABEL_SIZE), fill: c }, s.label]);
  }
  return out;
}

// The strokes in the order they were drawn (their seq), the first at the bottom: [[id, stroke]].
export function ordered(strokes) {
  return Object.keys(strokes || {})
    .map(function (id) {
      return [id, strokes[id]];
    })
    .sort(function (a, b) {
      if (a[1].at !== b[1].at) return a[1].at - b[1].at;
      return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
    });
}

export function svgItems(drawing, palette) {
  return ordered(drawing && drawing.strokes).map(function (e) {
    return [e[0], strokeItems(e[1], palette)];
  });
}

// --- the eraser: does a point touch a stroke? ------------------------------------------------

function segDist2(p, a, b) {
  var dx = b[0] - a[0];
  var dy = b[1] - a[1];
  var len2 = dx * dx + dy * dy;
  var t = len2 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  var x = a[0] + t * dx - p[0];
  var y = a[1] + t * dy - p[1];
  return x * x + y * y;
}

function outline(s) {
  var pts = s.points;
  if (s.shape !== "rect" && s.shape !== "ellipse") return pts;
  var lx = Math.min(pts[0][0], pts[1][0]);
  var ly = Math.min(pts[0][1], pts[1][1]);
  var hx = Math.max(pts[0][0], pts[1][0]);
  var hy = Math.max(pts[0][1], pts[1][1]);
  if (s.shape === "rect") return [[lx, ly], [hx, ly], [hx, hy], [lx, hy], [lx, ly]];
  var out = [];
  for (var i = 0; i <= 32; i++) {
    var a = (i / 32) * 2 * Math.PI;
    out.push([(lx + hx) / 2 + ((hx - lx) / 2) * Math.cos(a), (ly + hy) / 2 + ((hy - ly) / 2) * Math.sin(a)]);
  }
  return out;
}

export function touches(s, p, tol) {
  var t2 = tol * tol;
  if (s.shape === "text") {
    var w = Math.max(1, (s.label || "").length) * TEXT_SIZE * 0.55;
    var a = s.points[0];
    return p[0] >= a[0] - tol && p[0] <= a[0] + w + tol && p[1] >= a[1] - TEXT_SIZE - tol && p[1] <= a[1] + tol;
  }
  var pts = outline(s);
  if (pts.length === 1) return segDist2(p, pts[0], pts[0]) <= t2;
  for (var i = 1; i < pts.length; i++) {
    if (segDist2(p, pts[i - 1], pts[i]) <= t2) return true;
  }
  return false;
}
