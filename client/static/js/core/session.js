/* Joining a room's read-only pages (the report, the projector) like the room page does: with the
 * participant token this browser keeps for the room (conn.js, saved(room)), else as a projector
 * that joins nobody, else with a name.
 *
 *   credentials(store, room)  {key, token}: the key from the fragment, else the stored one
 *   boot(store, room, name)   connects; false when a name is needed first. name PROJECTOR: a
 *                             read-only screen (hello "projector": true)
 */
import { readFragment } from "./page.js";

export var PROJECTOR = {};

export function credentials(store, room) {
  var rec = (store.saved && store.saved(room)) || {};
  return { key: readFragment() || rec.key || "", token: rec.token || "" };
}

export function boot(store, room, name) {
  if (store.started) return true;
  var rec = (store.saved && store.saved(room)) || {};
  var key = readFragment() || rec.key;
  if (!key) return false;
  // The projector page always connects as a projector, with the room's projector key, also in a
  // browser that is in the room itself.
  if (name === PROJECTOR) {
    store.connect({ room: room, key: key, projector: true });
    return true;
  }
  if (rec.token) {
    store.connect({ room: room, key: key });
    return true;
  }
  if (!name) return false;
  store.connect({ room: room, key: key, name: name });
  return true;
}
