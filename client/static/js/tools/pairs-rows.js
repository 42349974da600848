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
