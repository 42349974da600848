/* localStorage, where a refusal (private mode, storage full) never breaks a page: it only means
 * that what was stored lives as long as the page.
 *
 *   lsGet(key)             the string, or null
 *   lsSet(key, value)      stores it (null removes it); false when the browser refused
 *   lsJSON(key, fallback)  the parsed value, or fallback when there is none or it does not parse
 *   roomRecord(room)       this browser's record of a room, {key, name, token}, or null
 *   saveRoom(room, patch)  merges patch into that record
 *   setRoom(room, record)  replaces it (null forgets it)
 *   groupKey(group)        where this browser's membership of a group is kept
 *   groupMember(group)     that membership, {token, mid}, or null
 */

export function lsGet(k) {
  try {
    return window.localStorage.getItem(k);
  } catch (e) {
    return null;
  }
}

export function lsSet(k, v) {
  try {
    if (v === null) window.localStorage.removeItem(k);
    else window.localStorage.setItem(k, v);
    return true;
  } catch (e) {
    return false;
  }
}

export function lsJSON(k, fallback) {
  var raw = lsGet(k);
  if (!raw) return fallback;
  try {
    var v = JSON.parse(raw);
    return v === null || v === undefined ? fallback : v;
  } catch (e) {
    return fallback;
  }
}

function roomKey(room) {
  return "kring:room:" + room;
}

export function roomRecord(room) {
  var r = lsJSON(roomKey(room), null);
  return r && typeof r === "object" ? r : null;
}

export function saveRoom(room, patch) {
  var r = roomRecord(room) || {};
  Object.keys(patch).forEach(function (k) {
    r[k] = patch[k];
  });
  lsSet(roomKey(room), JSON.stringify(r));
}

export function setRoom(room, record) {
  lsSet(roomKey(room), record === null ? null : JSON.stringify(record));
}

// This browser's membership of a group: {token, mid} (the group page keeps it, the reflection
// page reads it).
export function groupKey(group) {
  return "kring:group:" + group;
}

export function groupMember(group) {
  var r = lsJSON(groupKey(group), null);
  return r && typeof r === "object" && r.token ? r : null;
}
