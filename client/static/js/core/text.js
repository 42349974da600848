/* Text in SVG drawings (the mind-map, the force field): measured on a canvas in the CSS's font,
 * and wrapped into lines.
 *
 *   measure(text, font)                       the width in px
 *   wrap(text, maxWidth, maxLines, font)      greedy word wrap into at most maxLines lines of
 *                                             maxWidth px; long words are cut, and the last line
 *                                             ends in an ellipsis when text is left over (cached)
 */

var ctx = null;
export function measure(text, font) {
  if (ctx === null) ctx = document.createElement("canvas").getContext("2d");
  ctx.font = font;
  return ctx.measureText(text).width;
}

var wrapCache = new Map();
export function wrap(text, maxWidth, maxLines, font) {
  var key = font + "|" + maxWidth + "|" + maxLines + "|" + text;
  var hit = wrapCache.get(key);
  if (hit) return hit;
  var lines = wrapUncached(text, maxWidth, maxLines, font);
  if (wrapCache.size > 5000) wrapCache.clear();
  wrapCache.set(key, lines);
  return lines;
}

function wrapUncached(text, maxWidth, maxLines, font) {
  var words = String(text).replace(/\s+/g, " ").trim().split(" ");
  var lines = [];
  var cur = "";
  var i = 0;
  var truncated = false;
  while (i < words.length) {
    var w = words[i];
    var next = cur ? cur + " " + w : w;
    if (measure(next, font) <= maxWidth) {
      cur = next;
      i += 1;
      continue;
    }
    if (!cur) {
      // A single word wider than the box: cut it.
      var cut = w.length;
      while (cut > 1 && measure(w.slice(0, cut), font) > maxWidth) cut -= 1;
      cur = w.slice(0, cut);
      words[i] = w.slice(cut);
    }
    lines.push(cur);
    cur = "";
    if (lines.length === maxLines) {
      truncated = true;
      break;
    }
  }
  if (!truncated && cur) lines.push(cur);
  if (truncated || lines.length > maxLines) {
    lines = lines.slice(0, maxLines);
    var last = lines[maxLines - 1];
    while (last.length > 1 && measure(last + "…", font) > maxWidth) last = last.slice(0, -1);
    lines[maxLines - 1] = last + "…";
  }
  return lines.length ? lines : [""];
}
