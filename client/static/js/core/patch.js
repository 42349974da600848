/* Applying view deltas: the `patch` message (docs/protocol.md, "Patches"; server/rooms/delta.py).
 *
 *   applyPatch(view, ops, seq)  a new frozen view: `view` with each op applied in order and its
 *                               `seq` set. Only the objects on the path to a change are new (each a
 *                               frozen dict, or a frozen array); everything else is the same object
 *                               as before, so whatever compares by identity (the mind-map's and the
 *                               force field's drawings, Alpine's x-for rows) sees what changed.
 *   patchSections(state, ops, seq)  the same, on a view whose top level is open (conn.js keeps the
 *                               store's view so): each changed section is assigned anew, so only
 *                               what reads that section re-runs (Alpine tracks the top-level keys;
 *                               everything below them stays frozen and untracked).
 *
 * Ops: {op: "set", path: "cards/q1", value: {...}} and {op: "del", path: "cards/q1"}; a path is
 * keys joined by "/" (a number inside a list is its index). The values arrive frozen already
 * (core/maps.js fromJSON). The same rules in Python: tests/patchlib.py.
 */
import { dict } from "./maps.js";

function copyOf(node) {
  if (Array.isArray(node)) return node.slice();
  var out = dict();
  if (node && typeof node === "object") {
    var keys = Object.keys(node);
    for (var i = 0; i < keys.length; i++) out[keys[i]] = node[keys[i]];
  }
  return out;
}

function put(node, keys, at, op) {
  var copy = copyOf(node);
  var key = Array.isArray(copy) ? Number(keys[at]) : keys[at];
  if (at < keys.length - 1) {
    var child = node && typeof node === "object" ? node[key] : undefined;
    copy[key] = put(child, keys, at + 1, op);
  } else if (op.op === "set") {
    copy[key] = op.value;
  } else if (!Array.isArray(copy)) {
    delete copy[key];
  }
  return Object.freeze(copy);
}

export function patchSections(state, ops, seq) {
  var changed = dict();
  for (var i = 0; i < ops.length; i++) {
    var op = ops[i];
    if (!op || typeof op.path !== "string") continue;
    var keys = op.path.split("/");
    var head = keys[0];
    var cur = head in changed ? changed[head] : state[head];
    if (keys.length === 1) changed[head] = op.op === "set" ? op.value : undefined;
    else changed[head] = put(cur, keys, 1, op);
  }
  Object.keys(changed).forEach(function (k) {
    if (changed[k] === undefined) delete state[k];
    else state[k] = changed[k];
  });
  if (typeof seq === "number" && state.seq !== seq) state.seq = seq;
}

export function applyPatch(view, ops, seq) {
  var out = view;
  for (var i = 0; i < ops.length; i++) {
    var op = ops[i];
    if (!op || typeof op.path !== "string") continue;
    out = put(out, op.path.split("/"), 0, op);
  }
  if (typeof seq === "number" && out.seq !== seq) out = put(out, ["seq"], 0, { op: "set", value: seq });
  return out;
}
