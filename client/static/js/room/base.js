/* What every component of the room page (/r/{room}, client/templates/room.html) shares: base()
 * with the store, the view, permissions and strings; editor() for in-place editing of one's cards
 * and notes; the card kinds' order, the room's id and key, links, and the timer's arithmetic.
 * The components render Alpine.store('kring').state (the server's view for this person) and send
 * commands; what is allowed comes from state.may. Strings: client/i18n/<lang>.json (core/i18n.js).
 */
import { withConflicts } from "../core/conflicts.js";
import { focusLater } from "../core/dom.js";
import { clearDraft, draftBase, getDraft, sentDraft, setDraft } from "../core/drafts.js";
import { kringI18n } from "../core/i18n.js";
import { dict } from "../core/maps.js";
import { enums, fragmentKey, pageData } from "../core/page.js";
import { define, store } from "../core/store.js";

store("ui", { notes: false }); // page-local flags: is the notes drawer open

// The order the board shows card kinds in: the server's card kinds, in its order.
export function kindRank(kind) {
  var order = enums().card_kinds || [];
  var i = order.indexOf(kind);
  return i < 0 ? order.length : i;
}

// The same row object for an unchanged item, so Alpine's keyed x-for leaves its DOM alone: a new
// view arrives for every change in the room, and re-rendering hundreds of unchanged cards each
// time is what makes a big room slow. Rows hold only strings, numbers and booleans.
export function keep(cache, id, row) {
  var old = cache[id];
  if (old) {
    var keys = Object.keys(row);
    var same = keys.length === Object.keys(old).length;
    for (var i = 0; same && i < keys.length; i++) same = old[keys[i]] === row[keys[i]];
    if (same) return old;
  }
  cache[id] = row;
  return row;
}

// A value made again only when one of its inputs is no longer the same (===) as the last time: the
// view's sections and items stay the same objects across a patch that did not change them
// (core/patch.js), so what is derived from them is made once per change, not once per read.
//   var rowsOf = memo();  ...  rowsOf([st.cards, lang], function () { return ...; })
// A getter must still read every input (so Alpine knows what it depends on): pass them, do not
// capture them.
export function memo() {
  var last = null;
  var value;
  return function (inputs, make) {
    var same = !!last && last.length === inputs.length;
    for (var i = 0; same && i < inputs.length; i++) same = last[i] === inputs[i];
    if (!same) {
      last = inputs;
      value = make();
    }
    return value;
  };
}

export function byAt(a, b) {
  return (a.at || 0) - (b.at || 0);
}

export function roomId() {
  return pageData().room || "";
}

// The key this page was opened with (read once: later in-page anchors do not change it), else the
// one this browser keeps for the room.
export function myKey() {
  var k = fragmentKey();
  if (k) return k;
  var rec = window.Alpine.store("kring").saved(roomId());
  return (rec && rec.key) || "";
}

export function remaining(timer, now) {
  if (!timer) return 0;
  if (!timer.running) return timer.remaining_ms;
  // A clock a few ms ahead of the server's must not show more time than was set.
  var left = timer.deadline - now;
  return timer.duration_ms ? Math.min(left, Math.max(timer.remaining_ms, timer.duration_ms)) : left;
}

// Shared getters for every room component: the store, the view, permissions and strings.
export function base() {
  var o = {
    get K() {
      return this.$store.kring;
    },
    // The server's view: a frozen plain object (conn.js), so reading `state` subscribes the
    // getter to the next view while the many reads inside a big room's view skip Alpine's proxy.
    get st() {
      return this.$store.kring.state;
    },
    get may() {
      return (this.st && this.st.may) || dict();
    },
    get L() {
      return kringI18n.dict(this.$store.kring.lang);
    },
    get me() {
      var y = this.$store.kring.you;
      return y ? y.pid : null;
    },
    get phaseList() {
      return (this.st && this.st.method && this.st.method.phases) || [];
    },
    get cur() {
      var st = this.st;
      return (st && st.method.phases[st.phase.index]) || null;
    },
    get isFac() {
      return !!this.may.facilitator;
    },
    f: function (key, vars) {
      return this.$store.kring.t(key, vars);
    },
    tr: function (obj) {
      return this.$store.kring.tr(obj);
    },
    nameOf: function (pid) {
      return this.$store.kring.name(pid);
    },
    kindLabel: function (kind, plural) {
      var L = this.L;
      return L[(plural ? "kinds_" : "kind_") + kind] || kind;
    },
    // A role's name: the method's own where it has one (the interviewer, the voorbeeldgever).
    roleLabel: function (role) {
      var labels = this.st && this.st.method && this.st.method.labels;
      if (labels && labels[role]) return this.tr(labels[role]);
      return this.L["role_" + role] || role;
    },
    cmd: function (type, args) {
      return this.$store.kring.send(type, args);
    },
  };
  return define.apply(null, [o].concat(Array.prototype.slice.call(arguments)));
}

// In-place editing of one's own cards or notes: `what` is "card" or "note" (state.cards /
// state.notes, commands card.edit / note.edit, textarea id and draft name "<what>-edit-<id>"). A
// card's text has a version (docs/protocol.md, "Concurrent edits"): its edit names the version it
// started from, and a refusal shows the conflict panel (core/conflicts.js) on the card. `section`:
// the view's section when it is not "<what>s" (a pair's items: "pair_board"). The component sends
// with `cmd(type, args)`.
export function editor(what, confirmKey, section) {
  var versioned = what === "card";
  var items = section || what + "s";
  return withConflicts({
    editing: null,
    editText: "",
    editBase: 0,
    startEdit: function (id, text, base) {
      var item = (this.st[items] || {})[id];
      if (!item) return;
      var field = what + "-edit-" + id;
      var v = (this.st.versions || {})[what + "." + id] || 0;
      this.editing = id;
      this.editText = text !== undefined ? text : getDraft(field) || item.text;
      this.editBase = base !== undefined ? base : draftBase(field, v);
      window.setTimeout(function () {
        var el = document.getElementById(field);
        if (el) el.focus();
      }, 0);
    },
    onEdit: function (ev) {
      this.editText = ev.target.value;
    },
    saveEdit: function () {
      var id = this.editing;
      var text = this.editText.trim();
      if (versioned && this.hasConflict(what + "." + id)) return; // the panel's choice comes first
      this.editing = null;
      if (id && text) this.sendEdit(id, text, this.editBase);
      focusLater(what + "-editbtn-" + id); // back to the item's own edit button
    },
    sendEdit: function (id, text, base) {
      var self = this;
      var field = what + "-edit-" + id;
      var args = { id: id, text: text };
      if (versioned) args.base = base;
      var sent = this.cmd(what + ".edit", args).then(function (r) {
        // Refused as stale: the editor opens again with this person's text, beside the panel.
        if (versioned && self.conflictFrom(what + "." + id, field, text, r)) self.startEdit(id, text, base);
        return r;
      });
      sentDraft(field, text, sent);
    },
    resolveConflict: function (key, how, c) {
      var id = key.slice(what.length + 1);
      if (how !== "merge") this.editing = null;
      if (how === "mine") this.sendEdit(id, c.mine, c.version);
      else if (how === "merge") {
        setDraft(what + "-edit-" + id, c.merged); // the box shows its draft: the merged text
        this.startEdit(id, c.merged, c.version);
      }
    },
    cancelEdit: function () {
      var id = this.editing;
      this.editing = null;
      clearDraft(what + "-edit-" + id); // cancelled: the person discards it
      focusLater(what + "-editbtn-" + id);
    },
    remove: function (id) {
      if (window.confirm(this.L[confirmKey])) this.cmd(what + ".remove", { id: id });
    },
  });
}

// An item's text, cut short for a button's accessible name ("Edit: <text>").
var LABEL_CHARS = 40;
export function short(text) {
  return text.slice(0, LABEL_CHARS);
}

export function linkFor(suffix) {
  return "/r/" + encodeURIComponent(roomId()) + suffix + "#" + encodeURIComponent(myKey());
}

// The projector has a key of its own, which only facilitators get: no link without it.
export function projectorLink(key) {
  return key ? "/r/" + encodeURIComponent(roomId()) + "/projector#" + encodeURIComponent(key) : "";
}
