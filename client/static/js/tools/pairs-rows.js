/* Pair work for reading (server/rooms/pairs.py): a round's groups with their members' names and
 * the cards and notes this viewer may see on each board, for the room, the projector and the
 * report. `label(i, size)` names a group ("Tweetal 2", "Drietal 1"). */
import { dict } from "../core/maps.js";

// The items of group `g` in round `r` that are in this view, oldest first.
export function items(st, r, g, nameOf) {
  var b = (st && st.pair_board) || dict();
  return Object.keys(b)
    .filter(function (id) {
      return b[id].round === r && b[id].group === g;
    })
    .map(function (id) {
      var it = b[id];
      return { id: id, text: it.text, at: it.at, kind: it.kind, note: it.kind === "note", author: nameOf(it.author) };
    })
    .sort(function (a, b2) {
      return (a.at || 0) - (b2.at || 0);
    });
}

export function groups(st, r, nameOf, label) {
  var rnd = st && st.pairs && st.pairs[r];
  if (!rnd) return [];
  return rnd.groups
    .map(function (members, g) {
      return {
        key: r + "/" + g,
        i: g,
        label: label(g, members.length),
        names: members.map(nameOf).join(", "),
        shown: rnd.revealed.indexOf(g) >= 0,
        items: items(st, r, g, nameOf),
      };
    })
    .filter(function (row) {
      return row.names || row.items.length;
    });
}

// The latest round of a phase, or -1.
export function latest(st, phase) {
  var rs = (st && st.pairs) || [];
  for (var i = rs.length - 1; i >= 0; i--) if (rs[i].phase === phase) return i;
  return -1;
}

// The round a phase works with: where it opens pair work, its own latest round; where it shows
// pair work read-only (the method's `show = ["pairs"]`), the latest earlier round a board of which
// was shown to the group; else -1.
export function shownRound(st) {
  if (!st || !st.method) return -1;
  var p = st.method.phases[st.phase.index];
  if (!p) return -1;
  if (p.tools.indexOf("pairs") >= 0) return latest(st, p.id);
  if ((p.show || []).indexOf("pairs") < 0) return -1;
  var rs = st.pairs || [];
  for (var i = rs.length - 1; i >= 0; i--) if (rs[i].phase !== p.id && rs[i].revealed.length) return i;
  return -1;
}
