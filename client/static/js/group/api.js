/* The group page's connection to the server and its shared state, Alpine.store('group').
 *
 * A member joins once with the key from the fragment and a name; the member token is kept in
 * localStorage under "kring:group:" + group as {token, mid} and reused, so later visits need no key.
 * Keys and tokens travel in JSON bodies, never in URLs. Everything shown comes from POST /view
 * (Alpine.store('group').view), reloaded after each command, when the tab comes back and every
 * 20 seconds (group/page.js).
 *
 *   groupId()            the group of this page
 *   post(path, body)     POST /api/groups/<group><path>: {ok, status, data}, never rejected
 *   remember(meeting, name)  keep the member's room token where the room page looks for it
 *   schema()             the method schema (server/methods.py: tools, card_kinds, writers, levels,
 *                        kinds), from the page data
 *   BASIC                the basic method's id
 */
import { fromJSON } from "../core/maps.js";
import { fragmentKey, pageData } from "../core/page.js";
import { groupKey, groupMember, lsSet, setRoom } from "../core/storage.js";
import { store } from "../core/store.js";

export var BASIC = "basis";

export function schema() {
  return pageData().schema || {};
}
// The form's schema, for a browser test to compare with the server's.
window.kringGroupSchema = schema();

export function groupId() {
  return pageData().group || "";
}

function memberKey() {
  return groupKey(groupId());
}

function memberRecord() {
  return groupMember(groupId());
}

export function post(path, body) {
  return fetch("/api/groups/" + encodeURIComponent(groupId()) + path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  }).then(
    function (r) {
      var json = (r.headers.get("content-type") || "").indexOf("application/json") >= 0;
      return (json ? r.json() : r.text()).then(function (data) {
        return { ok: r.ok, status: r.status, data: fromJSON(data) };
      });
    },
    function (e) {
      return { ok: false, status: 0, data: { error: "unavailable", message: String((e && e.message) || e) } };
    }
  );
}

// Enter a meeting from the group page: the room page finds this member's room token where
// conn.js keeps it, so no new join link and no name are needed.
export function remember(m, name) {
  var rec = { key: m.join_key, name: name };
  if (m.token) rec.token = m.token;
  setRoom(m.room, rec);
}

// --- the shared state of the page -------------------------------------------------------------
var groupStore = {
  phase: "boot", // boot | join | badlink | denied | ready | erased
  view: null,
  token: null,
  loadError: "",
  joinError: "",
  joining: false,

  start: function () {
    var rec = memberRecord();
    if (rec) {
      this.token = rec.token;
      this.load();
    } else {
      this.phase = fragmentKey() ? "join" : "badlink";
    }
  },
  load: function () {
    var self = this;
    if (!this.token) return Promise.resolve(null);
    return post("/view", { token: this.token }).then(function (r) {
      if (self.phase === "erased") return r; // erased while this view was on its way
      if (r.ok) {
        self.view = r.data;
        self.phase = "ready";
        self.loadError = "";
        // The key has done its work: keep it out of the address bar (and out of shared
        // screenshots), as long as the token is safely stored.
        if (fragmentKey() && memberRecord()) {
          window.history.replaceState(null, "", window.location.pathname + window.location.search);
        }
      } else if (r.status === 404) {
        // The token no longer opens this group: join again with the link's key, if any.
        lsSet(memberKey(), null);
        self.token = null;
        self.view = null;
        self.phase = fragmentKey() ? "join" : "denied";
      } else {
        self.loadError = (r.data && r.data.message) || String(r.status);
      }
      return r;
    });
  },
  join: function (name) {
    var self = this;
    this.joining = true;
    this.joinError = "";
    return post("/join", { key: fragmentKey(), name: name }).then(function (r) {
      self.joining = false;
      if (!r.ok) {
        if (r.status === 404) self.phase = "denied";
        else self.joinError = (r.data && r.data.message) || String(r.status);
        return r;
      }
      self.token = r.data.token;
      lsSet(memberKey(), JSON.stringify({ token: r.data.token, mid: r.data.member }));
      return self.load();
    });
  },
  cmd: function (type, args) {
    var self = this;
    return post("/cmd", { token: this.token, type: type, args: args || {} }).then(function (r) {
      if (r.ok) self.load();
      return r;
    });
  },
  // This member's data or the whole group was erased: the token opens nothing any more.
  forget: function () {
    lsSet(memberKey(), null);
    this.token = null;
    this.view = null;
    this.phase = "erased";
  },
  send: function (path, body) {
    return post(path, Object.assign({ token: this.token }, body));
  },
};

store("group", groupStore);
