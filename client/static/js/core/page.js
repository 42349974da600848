/* What the server put in the page: the data block <script type="application/json" id="kring-data">
 * (server/views.py), with the limits and enumerations of the rules, and the key in the address's
 * fragment.
 *
 *   pageData()      the parsed data block ({} when there is none)
 *   limits()        the content caps and number ranges (server LIMITS: name, card, node, text,
 *                   pitch, sentences, title, group_name, method_id, id, timer_s, phase_minutes
 *                   [lo, hi], round_seconds [lo, hi], round_default_s, votes_per_person [lo, hi],
 *                   score [lo, hi])
 *   enums()         the lists (server ENUMS: roles, card_kinds, followup_status, force_sides,
 *                   rating_keys, eval_keys, plan_fields, levels, kinds), in the order to show them
 *   range(lo, hi)   [lo, lo + 1, ..., hi]
 *   readFragment()  the fragment, decoded; "" when it does not decode or names an element on the
 *                   page (the skip link's "#main" is an anchor, not a key)
 *   fragmentKey()   readFragment() as it was when first asked: later in-page anchors do not change it
 */
import { fromJSON } from "./maps.js";

var cache = null;
var firstKey = null;

export function pageData() {
  if (cache === null) {
    var el = document.getElementById("kring-data");
    try {
      cache = fromJSON(el ? JSON.parse(el.textContent || "{}") : {}) || {};
    } catch (e) {
      cache = {};
    }
  }
  return cache;
}

export function limits() {
  return pageData().limits || {};
}

export function enums() {
  return pageData().enums || {};
}

export function range(lo, hi) {
  var out = [];
  for (var v = lo; v <= hi; v++) out.push(v);
  return out;
}

export function readFragment() {
  var h = (window.location.hash || "").replace(/^#/, "");
  try {
    h = decodeURIComponent(h);
  } catch (e) {
    return "";
  }
  return h && !document.getElementById(h) ? h : "";
}

export function fragmentKey() {
  if (firstKey === null) firstKey = readFragment();
  return firstKey;
}
