/* Maps keyed by ids that people choose (cards, mind-map nodes, forces, candidates, ...) never are a
 * plain {}: one answers map["constructor"] or map["toString"] with Object.prototype's members, and
 * turns map["__proto__"] = x into a change of its prototype. A mind-map node with the id
 * "constructor" once broke the board for everyone. So every such map the client builds is a dict()
 * (or a Map), and every object the server sends is made of dicts (fromJSON) before anything reads it.
 *
 *   dict()       a new empty object without a prototype
 *   fromJSON(v)  v with every plain object in it, at any depth, replaced by a dict
 *   copy(m)      a shallow copy of m as a dict
 */

export function dict() {
  return Object.create(null);
}

export function fromJSON(v) {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    var list = new Array(v.length);
    for (var i = 0; i < v.length; i++) list[i] = fromJSON(v[i]);
    return list;
  }
  var out = Object.create(null);
  var keys = Object.keys(v);
  for (var j = 0; j < keys.length; j++) out[keys[j]] = fromJSON(v[keys[j]]);
  return out;
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
