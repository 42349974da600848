/* Maps keyed by ids that people choose (cards, mind-map nodes, forces, candidates, ...).
 *
 * A plain {} answers map["constructor"] or map["toString"] with Object.prototype's members and turns
 * map["__proto__"] = x into a change of its prototype; Alpine's reactive proxy answers
 * map["hasOwnProperty"] with a function of its own, whatever the object holds. A mind-map node with
 * the id "constructor" once broke the board for everyone. So:
 *   - every map the client builds is a dict() (or a Map);
 *   - everything the server sends (the view, the group's view, the page data) goes through
 *     fromJSON(): dicts, and frozen, so that Alpine never wraps it in a proxy (it leaves frozen
 *     objects alone) and nothing changes it in place (a new view replaces the old one whole);
 *   - a component's own map keyed by such ids is replaced whole, frozen (freeze()), on each change.
 *
 *   dict()       a new empty object without a prototype
 *   fromJSON(v)  v with every object in it, at any depth, a frozen dict (arrays frozen too)
 *   copy(m)      a shallow, unfrozen copy of m as a dict
 *   freeze(m)    Object.freeze(m), for a component's map that is replaced whole on each change
 */

export function dict() {
  return Object.create(null);
}

export function fromJSON(v) {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    var list = new Array(v.length);
    for (var i = 0; i < v.length; i++) list[i] = fromJSON(v[i]);
    return Object.freeze(list);
  }
  var out = Object.create(null);
  var keys = Object.keys(v);
  for (var j = 0; j < keys.length; j++) out[keys[j]] = fromJSON(v[keys[j]]);
  return Object.freeze(out);
}

export function copy(m) {
  var out = Object.create(null);
  if (m) {
    Object.keys(m).forEach(function (k) {
      out[k] = m[k];
    });
  }
  return out;
}

export function freeze(m) {
  return Object.freeze(m);
}
