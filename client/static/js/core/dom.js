/* DOM helpers shared by the pages.
 *
 *   focusLater(id, ...)     focus the first of these element ids that is shown, once Alpine has
 *                           updated the page (after a control that had focus hides, or a panel opens)
 *   focusWhenShown(id)      focus the element as soon as x-show has revealed it (a later task)
 *   typingIn(el)            whether el is a field that takes text (keep focus away from it)
 *   svgEl(name, attrs, parent, text)  an SVG element, built with createElementNS and textContent
 *                           only (CSP-safe); appended to parent when given
 *   download(name, blob)    save a Blob under that file name
 *   putSvg(box, text, label)  put an SVG the server made (a QR code) into box, as an image with
 *                           that label; false when the text is not an SVG
 */

var SVGNS = "http://www.w3.org/2000/svg";

export function focusLater() {
  var ids = Array.prototype.slice.call(arguments);
  window.setTimeout(function () {
    for (var i = 0; i < ids.length; i++) {
      var el = document.getElementById(ids[i]);
      if (el && el.offsetParent) {
        el.focus();
        return;
      }
    }
  }, 0);
}

export function focusWhenShown(id) {
  var tries = 0;
  (function attempt() {
    var e = document.getElementById(id);
    if (e && e.offsetParent !== null) e.focus();
    else if (++tries < 30) window.requestAnimationFrame(attempt);
  })();
}

export function typingIn(el) {
  if (!el) return false;
  if (el.isContentEditable || el.tagName === "TEXTAREA") return true;
  return el.tagName === "INPUT" && !/^(button|submit|reset|checkbox|radio|range|color|file|image)$/i.test(el.type);
}

export function svgEl(name, attrs, parent, text) {
  var e = document.createElementNS(SVGNS, name);
  Object.keys(attrs || {}).forEach(function (k) {
    e.setAttribute(k, attrs[k]);
  });
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

export function download(name, blob, keepMs) {
  var url = URL.createObjectURL(blob);
  var a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(function () {
    URL.revokeObjectURL(url);
  }, keepMs || 1000);
}

export function putSvg(box, text, label) {
  var svg = text && new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  if (!box || !svg || svg.nodeName !== "svg") return false;
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  box.replaceChildren(document.importNode(svg, true));
  return true;
}
