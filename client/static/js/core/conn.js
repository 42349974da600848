/* Kring: the shared WebSocket client, as Alpine.store('kring').
 *
 * The store holds no business rules: it keeps the latest per-viewer view the server sends
 * (hello with "view": true and "patches": true: the welcome's whole view, then a `patch` with what
 * changed after each batch of events, applied by core/patch.js so only the changed items are new
 * objects), who is online, and a queue of commands. The shared contract:
 *
 *   state      the latest server view object (server/rooms.py view()), or null: its top level is
 *              open and each section (cards, mindmap, may, ...) frozen (see plain())
 *   you        {pid, name, roles} (roles follow the latest view)
 *   online     {pid: true} from presence messages
 *   connected  true once welcomed on an open socket
 *   reconnecting  true while a dropped connection is being restored
 *   lang       "nl" | "en" (setLang() persists it in localStorage and the kring_lang cookie, and
 *              switches once that language's catalog is loaded)
 *   t(key, vars) translated UI string (client/static/js/i18n.js); has(key) whether there is one
 *   tr(obj)    obj[lang] from a {nl, en} object
 *   now()      server-corrected ms (Date.now() + offset); re-evaluates every second in Alpine
 *   send(type, args)  Promise of the ack or error message. Offline, commands wait in `outbox`
 *              and go out with the SAME id on reconnect, so the server dedupes them.
 *   newId(prefix)  a new client id [A-Za-z0-9_-]
 *   name(pid)  display name
 *   tool(name) true when the current phase's tools include it
 *   shown(name) true when the current phase shows it read-only (the phase's `show`)
 *   lastError  the last error message ({t: "error", code, message, id}) for a banner
 *   typing     who writes where now: {writing: [{pid, tool, field}], counts: {tool: n}} (the
 *              server's typing frame; core/typing.js sends this person's and reads it)
 *   sendTyping(tool, field, on)  says so, only while connected: never queued, never the text
 *
 * Starting a connection: connect({room, key, name}). A page that has a stored token for the room
 * (saved(room)) can reconnect without asking for a name: connect({room, key: saved(room).key}).
 *
 * Every message is made of frozen prototype-less objects (core/maps.js fromJSON) before it is kept,
 * so the view's maps keyed by people's ids (cards, nodes, forces, ...) answer only for those ids,
 * also when read through a component (Alpine leaves frozen objects unproxied).
 */
import { clearRoomDrafts, initDrafts } from "./drafts.js";
import { kringI18n } from "./i18n.js";
import { dict, fromJSON } from "./maps.js";
import { limits } from "./page.js";
import { patchSections } from "./patch.js";
import { lsGet, lsSet, roomRecord, saveRoom, setRoom } from "./storage.js";
import { onInit, store as register } from "./store.js";
import { watchTyping } from "./typing.js";

// Message and close-code names, as in server/protocol.py.
var T = {
  HELLO: "hello",
  CMD: "cmd",
  PING: "ping",
  WELCOME: "welcome",
  EVENT: "event",
  ACK: "ack",
  ERROR: "error",
  PRESENCE: "presence",
  PONG: "pong",
  VIEW: "view",
  PATCH: "patch",
  KEYS: "keys",
  TYPING: "typing",
};
var CLOSE = { BAD_KEY: 4001, REMOVED: 4003, SLOW: 4008, IDLE: 4009, ERASED: 4010, RATE: 4029 };
var FATAL = dict();
FATAL[CLOSE.BAD_KEY] = "invalid";
FATAL[CLOSE.REMOVED] = "removed";
FATAL[CLOSE.ERASED] = "erased";

var PING_MS = 10000;
var STALE_MS = 25000; // no message at all for this long: the socket is dead, reconnect
var BACKOFF_MIN = 500;
var BACKOFF_MAX = 10000;
var LANG_KEY = "kring_lang";
var wantedLang = null;

var S = null; // the reactive store (Alpine's proxy): every write goes through it
var ws = null;
var welcomed = false;
var opts = null;
var seq = 0;
var epoch = null;
var backoff = BACKOFF_MIN;
var retryTimer = null;
var lastRx = 0;
var pending = new Map(); // id -> {frame, resolve}, in send order; removed on ack/error
var samples = []; // [rtt, offset] from pongs
// --- persistence ------------------------------------------------------------------------
function saved(room) {
  return roomRecord(room);
}
function save(room, patch) {
  saveRoom(room, patch);
}
// The language this browser chose (localStorage, else the cookie), else the page's own.
function initialLang() {
  var I = kringI18n;
  var l = lsGet(LANG_KEY);
  if (I.langs.indexOf(l) < 0) {
    var m = /(?:^|;\s*)kring_lang=(\w+)/.exec(document.cookie || "");
    l = m ? m[1] : I.pageLang;
  }
  return I.norm(l);
}

// --- socket -----------------------------------------------------------------------------
function wsUrl(room) {
  var proto = window.location.protocol === "https:" ? "wss://" : "ws://";
  return proto + window.location.host + "/ws/" + encodeURIComponent(room);
}

function open() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (!opts || S.fatal) return;
  if (navigator.onLine === false) {
    // No network at all: wait for the "online" event (or the next back-off step).
    scheduleRetry();
    return;
  }
  if (ws) {
    var old = ws;
    ws = null;
    try {
      old.close();
    } catch (e) {
      /* already closing */
    }
  }
  var sock;
  try {
    sock = new WebSocket(wsUrl(opts.room));
  } catch (e) {
    scheduleRetry();
    return;
  }
  ws = sock;
  welcomed = false;
  sock.onopen = function () {
    if (sock !== ws) return;
    var rec = saved(opts.room) || {};
    var hello = { t: T.HELLO, key: opts.key, view: true, patches: true, lang: S.lang };
    if (opts.projector) {
      // A read-only screen in the room: joins nobody, sees what everyone may see.
      hello.projector = true;
    } else {
      var name = opts.name || rec.name;
      if (name) hello.name = name;
      if (rec.token) hello.token = rec.token;
    }
    if (S.state && epoch) {
      hello.epoch = epoch;
      hello.since = seq;
    }
    lastRx = Date.now();
    sock.send(JSON.stringify(hello));
  };
  sock.onmessage = function (ev) {
    if (sock !== ws) return;
    lastRx = Date.now();
    var m;
    try {
      m = JSON.parse(ev.data);
    } catch (e) {
      return;
    }
    if (m && typeof m === "object") handle(fromJSON(m));
  };
  sock.onclose = function (ev) {
    if (sock !== ws) return;
    ws = null;
    closed(ev.code);
  };
}

// Give up on the current socket at once (offline, silent): its late events are ignored.
function drop() {
  var sock = ws;
  if (!sock) return;
  ws = null;
  try {
    sock.close();
  } catch (e) {
    /* already closing */
  }
  closed(1006);
}

function closed(code) {
  welcomed = false;
  S.connected = false;
  S.typing = Object.freeze({ writing: [], counts: dict() });
  var fatal = FATAL[code];
  if (fatal) {
    S.fatal = fatal;
    S.reconnecting = false;
    if (opts) save(opts.room, { token: null, key: null });
    // Removed from the room or the room erased: what was typed for it goes too (docs/privacy.md).
    if (opts && (fatal === "removed" || fatal === "erased")) clearRoomDrafts(opts.room);
    pending.forEach(function (p) {
      p.resolve({ t: T.ERROR, id: p.frame.id, code: "closed", message: fatal });
    });
    pending.clear();
    S.outbox = [];
    return;
  }
  scheduleRetry();
}

function scheduleRetry() {
  if (!opts || S.fatal) return;
  S.reconnecting = true;
  clearTimeout(retryTimer);
  var wait = backoff * (0.8 + Math.random() * 0.4);
  backoff = Math.min(BACKOFF_MAX, backoff * 2);
  retryTimer = setTimeout(open, wait);
}

function sendFrame(frame) {
  if (ws && welcomed && ws.readyState === 1) {
    ws.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

// The view's sections (cards, mindmap, may, ...) are frozen and replaced whole when they change,
// never changed in place, so Alpine need not watch inside them. A frozen object is never wrapped in
// a reactive proxy (Alpine's reactivity leaves non-extensible objects alone, and so everything read
// from them): reads inside a big room's view are plain property reads, not proxy traps. The top
// level is an open dict that Alpine does watch, one key at a time: a patch assigns only the
// sections it changed (core/patch.js patchSections), so only what reads those re-renders.
function plain(view) {
  if (!view || typeof view !== "object") return view;
  var top = dict();
  Object.keys(view).forEach(function (k) {
    top[k] = view[k];
  });
  return top;
}

function syncRoles() {
  var you = S.you;
  var st = S.state;
  if (!you || !st || !st.participants) return;
  var p = st.participants[you.pid];
  if (p && (p.name !== you.name || p.roles.join() !== (you.roles || []).join())) {
    S.you = { pid: you.pid, name: p.name, roles: p.roles.slice() };
  }
}

function settle(id, msg) {
  var p = pending.get(id);
  if (!p) return false;
  pending.delete(id);
  S.outbox = S.outbox.filter(function (c) {
    return c.id !== id;
  });
  p.resolve(msg);
  return true;
}

function handle(m) {
  switch (m.t) {
    case T.WELCOME:
      welcomed = true;
      S.you = m.you;
      if (opts && m.you && !opts.projector) initDrafts(opts.room, m.you.pid);
      epoch = m.epoch;
      seq = m.seq || 0;
      if (m.state) S.state = plain(m.state);
      if (m.join_key) S.joinKey = m.join_key;
      if (m.projector_key !== undefined) S.projectorKey = m.projector_key;
      if (!opts.projector) {
        save(opts.room, { token: m.token, key: opts.key, name: (m.you && m.you.name) || opts.name });
      }
      if (!samples.length && typeof m.server_time === "number") S.offset = m.server_time - Date.now();
      S.connected = true;
      S.reconnecting = false;
      backoff = BACKOFF_MIN;
      syncRoles();
      // Everything not yet acknowledged goes out again, with its original id.
      pending.forEach(function (p) {
        sendFrame(p.frame);
      });
      ping();
      break;
    case T.EVENT:
      if (typeof m.seq === "number" && m.seq > seq) seq = m.seq;
      break;
    case T.VIEW:
      if (typeof m.seq === "number" && m.seq > seq) seq = m.seq;
      S.state = plain(m.state);
      syncRoles();
      break;
    case T.PATCH:
      // What changed in the view after a batch of events: a new view sharing every unchanged part.
      if (!S.state || typeof m.seq !== "number") break;
      if (m.seq > seq) seq = m.seq;
      patchSections(S.state, m.ops || [], m.seq);
      syncRoles();
      break;
    case T.ACK:
      settle(m.id, m);
      break;
    case T.ERROR:
      if (m.id) settle(m.id, m);
      S.lastError = m;
      break;
    case T.PRESENCE:
      var on = dict();
      (m.online || []).forEach(function (p) {
        on[p.pid] = true;
      });
      S.online = Object.freeze(on);
      S.screens = (m.screens || []).length;
      break;
    case T.PONG:
      if (typeof m.c === "number" && typeof m.s === "number") {
        var now = Date.now();
        var rtt = Math.max(0, now - m.c);
        samples.push([rtt, m.s + rtt / 2 - now]);
        if (samples.length > 8) samples.shift();
        var best = samples.reduce(function (a, b) {
          return b[0] < a[0] ? b : a;
        });
        S.offset = Math.round(best[1]);
      }
      break;
    case T.TYPING:
      S.typing = Object.freeze({ writing: m.writing || [], counts: m.counts || dict() });
      break;
    case T.KEYS:
      if (m.join_key) S.joinKey = m.join_key;
      if (m.projector_key !== undefined) S.projectorKey = m.projector_key;
      break;
  }
}

function ping() {
  if (ws && welcomed && ws.readyState === 1) ws.send(JSON.stringify({ t: T.PING, c: Date.now() }));
}

function heartbeat() {
  if (ws && welcomed && Date.now() - lastRx > STALE_MS) {
    drop();
    return;
  }
  ping();
}

// --- the store --------------------------------------------------------------------------
// Random (96 bits from the browser's CSPRNG), not made of the time: the id of a private card or
// note must not be guessable from the placeholder everyone else receives.
var ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
function newId(prefix) {
  var bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  var rnd = "";
  for (var i = 0; i < bytes.length; i++) rnd += ID_CHARS.charAt(bytes[i] & 63);
  var p = String(prefix || "x").replace(/[^A-Za-z0-9_-]/g, "").slice(0, 8);
  return (p + rnd).slice(0, limits().id);
}

var store = {
  state: null,
  you: null,
  online: dict(),
  connected: false,
  reconnecting: false,
  lang: kringI18n.pageLang,
  lastError: null,
  offset: 0,
  tick: 0,
  fatal: null, // "invalid" | "removed" | "erased" once the server refused us for good
  joinKey: null, // facilitators only (welcome.join_key)
  projectorKey: null, // facilitators only (welcome/keys projector_key; null when revoked)
  screens: 0, // projectors connected now (presence.screens)
  outbox: [], // [{id, type, args}] sent but not yet acknowledged
  typing: Object.freeze({ writing: [], counts: dict() }),
  started: false,

  t: function (key, vars) {
    return kringI18n.t(this.lang, key, vars);
  },
  tr: function (obj) {
    if (!obj || typeof obj !== "object") return obj == null ? "" : String(obj);
    return obj[this.lang] || obj.nl || obj.en || "";
  },
  now: function () {
    void this.tick; // re-evaluate every second inside Alpine effects
    return Date.now() + this.offset;
  },
  newId: newId,
  name: function (pid) {
    var st = this.state;
    var p = st && st.participants && st.participants[pid];
    if (p) return p.name;
    if (this.you && this.you.pid === pid) return this.you.name;
    return this.t("unknownPerson");
  },
  tool: function (name) {
    var st = this.state;
    if (!st || !st.method || !st.method.phases.length) return false;
    var p = st.method.phases[st.phase.index];
    return !!p && p.tools.indexOf(name) >= 0;
  },
  // True when the current phase shows this board tool read-only (an earlier phase filled it).
  shown: function (name) {
    var st = this.state;
    if (!st || !st.method || !st.method.phases.length) return false;
    var p = st.method.phases[st.phase.index];
    return !!p && (p.show || []).indexOf(name) >= 0;
  },
  // Card kinds of earlier phases the current phase shows read-only, in place ("cards:position").
  shownKinds: function () {
    var st = this.state;
    var p = st && st.method && st.phase && st.method.phases[st.phase.index];
    return ((p && p.show) || [])
      .filter(function (x) {
        return x.indexOf("cards:") === 0;
      })
      .map(function (x) {
        return x.slice(6);
      });
  },
  // A predicate: is this card on the current phase's board (written in it, or of a kind it shows
  // from an earlier phase)? Made once per render, then asked per card.
  onBoard: function () {
    var st = this.state;
    var cur = st && st.method && st.phase && st.method.phases[st.phase.index];
    if (!cur) {
      // No phase yet (someone waiting to be admitted gets the empty view): no card is on the board.
      return function () {
        return false;
      };
    }
    var here = st.phase.index;
    var id = cur.id;
    var shown = this.shownKinds();
    var rank = dict();
    st.method.phases.forEach(function (p, i) {
      rank[p.id] = i;
    });
    return function (c) {
      return c.phase === id || (shown.indexOf(c.kind) >= 0 && rank[c.phase] < here);
    };
  },
  send: function (type, args) {
    var id = newId("c");
    var frame = { t: T.CMD, id: id, type: type, args: args || {} };
    return new Promise(function (resolve) {
      if (S.fatal) {
        resolve({ t: T.ERROR, id: id, code: "closed", message: S.fatal });
        return;
      }
      pending.set(id, { frame: frame, resolve: resolve });
      S.outbox = S.outbox.concat([{ id: id, type: type, args: frame.args }]);
      sendFrame(frame);
    });
  },
  sendTyping: function (tool, field, on) {
    return sendFrame({ t: T.TYPING, tool: tool, field: field || "", on: on !== false });
  },
  has: function (key) {
    return kringI18n.has(this.lang, key);
  },
  // Switches once that language's catalog is there (fetched the first time); the last choice wins.
  setLang: function (lang) {
    var self = this;
    lang = kringI18n.norm(lang);
    wantedLang = lang;
    lsSet(LANG_KEY, lang);
    document.cookie = "kring_lang=" + lang + "; path=/; max-age=31536000; SameSite=Lax";
    return kringI18n.load(lang).then(
      function () {
        if (wantedLang !== lang) return;
        self.lang = lang;
        document.documentElement.lang = lang;
      },
      function () {
        /* reported by kringI18n.load; the page stays in its language */
      }
    );
  },
  saved: function (room) {
    return saved(room);
  },
  forget: function (room) {
    setRoom(room, null);
    clearRoomDrafts(room);
  },
  connect: function (o) {
    opts = { room: o.room, key: o.key, name: o.name || null, projector: !!o.projector };
    if (o.name && !o.projector) save(o.room, { name: o.name, key: o.key });
    this.started = true;
    this.fatal = null;
    backoff = BACKOFF_MIN;
    if (ws) drop();
    open();
  },
  clearError: function () {
    this.lastError = null;
  },
};

register("kring", store);
onInit(function (A) {
  S = A.store("kring");
  watchTyping(S);
  document.documentElement.lang = S.lang;
  if (initialLang() !== S.lang) S.setLang(initialLang());
  setInterval(function () {
    S.tick = Date.now();
  }, 1000);
  setInterval(heartbeat, PING_MS);
  window.addEventListener("offline", function () {
    if (ws) drop();
  });
  window.addEventListener("online", function () {
    if (opts && !S.fatal && !S.connected) {
      backoff = BACKOFF_MIN;
      open();
    }
  });
});
