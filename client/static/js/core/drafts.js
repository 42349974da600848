/* Nothing a person types is lost: the unsent text of every text box of the room, kept in this
 * browser's localStorage per room, person and field until it is sent or discarded.
 *
 * A box takes part by carrying data-draft="<field id>" (stable across re-renders: "plan-who",
 * "ff-add-promoting", "card-question", …). One delegated input listener stores what is typed;
 * whenever such a box appears (a re-render, a phase that shows it again, a reload) and is empty or
 * shows the server's text, the kept draft is put back and an "input" event is dispatched, so the
 * component's own state follows as if the person had typed it.
 *
 *   initDrafts(room, pid)     binds this page to a room and person; prunes expired drafts
 *   getDraft(field)           the kept text, or ""
 *   setDraft(field, text)     keeps it ("" forgets it)
 *   clearDraft(field)         forgets it: call when the text was sent or discarded
 *   hasDraft(field)           true when a draft is kept
 *   clearRoomDrafts(room)     forgets every draft of a room (leaving it, its erasure)
 *   syncBox(box, text)        a server-fed box: the server text, unless a draft or focus holds it
 *   sentDraft(field, text, p) clears the draft once the promise p of its command succeeded
 *   listDrafts()              [{field, text, at, stashed}] of this room and person, oldest first
 *   stashDraft(field)         moves a draft to the personal stash (kept in this browser, never
 *                             put back into a box: field "stash-<time>")
 *   onDraftsChange(fn)        fn() after every change made through this module
 *   draftBase(field, current) the version the kept draft was started from (its box's
 *                             data-draft-base when the first character was typed), else `current`
 *   rebaseDraft(field, base)  the draft now starts from `base` (its own edit was just taken)
 *
 * A box whose field has a version (docs/protocol.md, "Concurrent edits") also carries
 * data-draft-base="<version>": a draft kept over a reload then still names the version its writer
 * started from, and an edit sent from it is never applied silently over someone else's.
 *
 * Stored as "kring:draft:<room>:<pid>:<field>" = {"text", "at", "base"?}; a draft expires after
 * DRAFT_TTL_MS (3 days) and is then dropped when the next room page starts (docs/privacy.md).
 */
import { lsGet, lsJSON, lsSet } from "./storage.js";
import { stopTyping } from "./typing.js";

export var DRAFT_TTL_MS = 259200000; // 3 days in ms
var PREFIX = "kring:draft:";
var ctx = { room: null, pid: null };
var watching = false;

function key(field) {
  return PREFIX + ctx.room + ":" + ctx.pid + ":" + field;
}

function bound() {
  return !!(ctx.room && ctx.pid);
}

function storageKeys() {
  var out = [];
  try {
    for (var i = 0; i < window.localStorage.length; i++) {
      var k = window.localStorage.key(i);
      if (k && k.indexOf(PREFIX) === 0) out.push(k);
    }
  } catch (e) {
    /* no storage: nothing kept */
  }
  return out;
}

export function pruneDrafts(now) {
  var t = now || Date.now();
  storageKeys().forEach(function (k) {
    var d = lsJSON(k, null);
    if (!d || typeof d.at !== "number" || t - d.at > DRAFT_TTL_MS) lsSet(k, null);
  });
}

export function getDraft(field) {
  if (!bound()) return "";
  var d = lsJSON(key(field), null);
  if (!d || typeof d.text !== "string") return "";
  if (Date.now() - (d.at || 0) > DRAFT_TTL_MS) {
    lsSet(key(field), null);
    return "";
  }
  return d.text;
}

export function hasDraft(field) {
  return getDraft(field) !== "";
}

var listeners = [];
var notifying = null;

export function onDraftsChange(fn) {
  listeners.push(fn);
}

function changed() {
  if (notifying) return;
  notifying = setTimeout(function () {
    notifying = null;
    listeners.forEach(function (fn) {
      fn();
    });
  }, 0);
}

export function setDraft(field, text, base) {
  if (!bound() || !field) return;
  if (!text || !String(text).trim()) {
    lsSet(key(field), null);
  } else {
    var rec = { text: String(text), at: Date.now() };
    // The version the writer started from stays that of the first keystroke.
    var old = lsJSON(key(field), null);
    if (old && typeof old.base === "number") rec.base = old.base;
    else if (typeof base === "number" && base >= 0) rec.base = base;
    lsSet(key(field), JSON.stringify(rec));
  }
  changed();
}

export function draftBase(field, current) {
  if (!bound() || !hasDraft(field)) return current || 0;
  var d = lsJSON(key(field), null);
  return d && typeof d.base === "number" ? d.base : current || 0;
}

export function rebaseDraft(field, base) {
  if (!bound() || !hasDraft(field)) return;
  var d = lsJSON(key(field), null);
  if (!d) return;
  d.base = base;
  lsSet(key(field), JSON.stringify(d));
}

export function clearDraft(field) {
  if (bound() && field) lsSet(key(field), null);
  changed();
}

export function listDrafts() {
  if (!bound()) return [];
  var p = PREFIX + ctx.room + ":" + ctx.pid + ":";
  var now = Date.now();
  return storageKeys()
    .filter(function (k) {
      return k.indexOf(p) === 0;
    })
    .map(function (k) {
      var d = lsJSON(k, null) || {};
      var field = k.slice(p.length);
      return { field: field, text: String(d.text || ""), at: d.at || 0, stashed: field.indexOf("stash-") === 0, from: d.from || field };
    })
    .filter(function (d) {
      return d.text && now - d.at <= DRAFT_TTL_MS;
    })
    .sort(function (a, b) {
      return a.at - b.at;
    });
}

export function stashDraft(field) {
  if (!bound()) return;
  var text = getDraft(field);
  if (!text) return;
  var id = "stash-" + Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
  lsSet(key(id), JSON.stringify({ text: text, at: Date.now(), from: field }));
  clearDraft(field);
}

export function clearRoomDrafts(room) {
  var p = PREFIX + room + ":";
  storageKeys().forEach(function (k) {
    if (k.indexOf(p) === 0) lsSet(k, null);
  });
}

// Puts a kept draft back into a box that shows nothing of it yet.
function restore(box) {
  var field = box.getAttribute("data-draft");
  if (!field) return;
  var text = getDraft(field);
  if (!text || box.value === text) return;
  box.value = text;
  box.setAttribute("data-draft-restored", "");
  box.dispatchEvent(new Event("input", { bubbles: true }));
}

function scan(root) {
  if (!root || root.nodeType !== 1) return;
  if (root.hasAttribute("data-draft")) restore(root);
  var boxes = root.querySelectorAll("[data-draft]");
  for (var i = 0; i < boxes.length; i++) restore(boxes[i]);
}

// Re-checks every box (after a view update wrote the server's text into one).
export function restoreAll() {
  if (bound()) scan(document.body);
}

function watch() {
  if (watching) return;
  watching = true;
  document.addEventListener(
    "input",
    function (ev) {
      var box = ev.target;
      if (!box || !box.getAttribute || !bound()) return;
      var field = box.getAttribute("data-draft");
      var b = box.getAttribute("data-draft-base");
      if (field) setDraft(field, box.value, b === null || b === "" ? undefined : parseInt(b, 10));
    },
    true
  );
  new MutationObserver(function (records) {
    if (!bound()) return;
    records.forEach(function (r) {
      for (var i = 0; i < r.addedNodes.length; i++) scan(r.addedNodes[i]);
      if (r.type === "attributes") scan(r.target);
    });
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-draft"] });
}

export function initDrafts(room, pid) {
  if (!room || !pid) return;
  if (ctx.room === room && ctx.pid === pid) return;
  ctx.room = room;
  ctx.pid = pid;
  pruneDrafts();
  watch();
  // Alpine renders x-bind:data-draft after the node is inserted: look once it has settled.
  setTimeout(restoreAll, 0);
}

// Whether a raw draft exists under a room (for tests and the leave flow).
export function roomHasDrafts(room) {
  var p = PREFIX + room + ":";
  return storageKeys().some(function (k) {
    return k.indexOf(p) === 0 && lsGet(k);
  });
}

/* A box fed by the server (plan fields, the situation): shows the server's text unless the person
 * is in it or a draft of theirs is kept; a draft the server now holds word for word is done. */
export function syncBox(box, serverText) {
  if (!box) return;
  var server = serverText || "";
  var field = box.getAttribute("data-draft");
  var draft = field ? getDraft(field) : "";
  if (draft && draft.trim() === server.trim()) {
    clearDraft(field);
    draft = "";
  }
  if (document.activeElement === box) return;
  var want = draft || server;
  if (box.value !== want) box.value = want;
}

/* The text of field was sent as `text`: once the server took it, the draft is done (unless the
 * person has typed something else there since). A refusal keeps it. */
export function sentDraft(field, text, result) {
  return Promise.resolve(result).then(function (r) {
    // Sent: no longer writing (core/typing.js), unless the person goes on in that box (a plan
    // field saved as they pause); a box emptied for the next card is done.
    var box = document.activeElement;
    if (!box || !box.getAttribute || box.getAttribute("data-draft") !== field || !box.value.trim()) stopTyping();
    if (r && r.t === "error") return r;
    if (getDraft(field).trim() === String(text || "").trim()) clearDraft(field);
    else if (r && typeof r.seq === "number") rebaseDraft(field, r.seq); // typed on meanwhile
    return r;
  });
}
