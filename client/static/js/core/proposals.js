/* Proposals for an outcome field the group votes on (server/rooms/proposals.py): those for the
 * field `key` ("<phase>/<field>") in a view, each with its id, most votes first and then by text
 * (server/report.py `proposals_of`, the same order). The room, the projector and the report page
 * each show them their own way. */
import { dict } from "./maps.js";

export function proposalsFor(st, key) {
  var all = (st && st.proposals) || dict();
  return Object.keys(all)
    .filter(function (id) {
      return all[id].key === key;
    })
    .map(function (id) {
      return Object.assign({ id: id }, all[id]);
    })
    .sort(function (a, b) {
      return b.votes - a.votes || (a.text < b.text ? -1 : 1);
    });
}
