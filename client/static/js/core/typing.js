/* Who is writing where (docs/protocol.md, "Typing presence"): never stored, never the text.
 *
 * Sending is one delegated listener, like the drafts (core/drafts.js): every box with a
 * data-draft name takes part. While a person types in one (trusted input only: a draft put back
 * after a reload is not typing), the store says so (`sendTyping`) for the box's board area and
 * field, again every REFRESH_MS while they go on, and stops after IDLE_MS without a key, when
 * they leave the box or empty it. A hidden card's id never goes out (its field is "card-edit").
 *
 *   stopTyping()                this person stopped: sent (core/drafts.js sentDraft), or left
 *   toolOf(field)               the board area of a draft name ("plan-action" -> "plan"), or ""
 *   typingText(K, tool)         "Joost schrijft…", "Joost en Anna schrijven…", "3 mensen schrijven
 *                               nog" (count-only: a private phase, notes, the evaluation), or ""
 *   fieldEditors(K, tool, field) "Joost bewerkt dit veld ook", or "" (others in that very field)
 *   closingWriters(K, phase)    how many others write in something `phase` (a method phase;
 *                               null: everything) no longer opens: the facilitator's question
 *   Alpine.data('typingLine')   <p x-data="typingLine" data-tool="cards" x-text="text">
 */
import { component } from "./store.js";

var REFRESH_MS = 3000;
var IDLE_MS = 5000;
var S = null; // Alpine.store('kring'), once started
var mine = null; // {tool, field, at} while this person types
var idle = null;

var PREFIXES = [
  ["plan-", "plan"],
  ["outcome-", "outcomes"],
  ["ff-", "forcefield"],
  ["card-", "cards"],
  ["case-", "case"],
  ["note-", "notes"],
  ["eval-", "evaluation"],
  ["mm-", "mindmap"],
  ["fu-", "followup"],
  ["pitch-", "vote"],
];

export function toolOf(field) {
  for (var i = 0; i < PREFIXES.length; i++) if (field.indexOf(PREFIXES[i][0]) === 0) return PREFIXES[i][1];
  return "";
}

// What goes on the wire for a draft name: a hidden card's id stays home.
function wireField(field) {
  var m = /^card-edit-(.+)$/.exec(field);
  if (m) {
    var st = S && S.state;
    var c = st && st.cards && st.cards[m[1]];
    if (!c || (c.private && !c.revealed)) return "card-edit";
  }
  return field.slice(0, 64).replace(/[^A-Za-z0-9_.:-]/g, "");
}

// This person stopped writing (sent, left the box, or paused for IDLE_MS).
export function stopTyping() {
  stop();
}

function stop() {
  clearTimeout(idle);
  idle = null;
  if (mine && S) S.sendTyping(mine.tool, mine.field, false);
  mine = null;
}

function typed(box) {
  var field = box.getAttribute("data-draft");
  var tool = field ? toolOf(field) : "";
  if (!tool || !S || !S.connected) return;
  if (!box.value.trim()) {
    stop();
    return;
  }
  var wire = wireField(field);
  var now = Date.now();
  if (!mine || mine.tool !== tool || mine.field !== wire || now - mine.at >= REFRESH_MS) {
    if (mine && (mine.tool !== tool || mine.field !== wire)) S.sendTyping(mine.tool, mine.field, false);
    if (S.sendTyping(tool, wire, true)) mine = { tool: tool, field: wire, at: now };
  }
  clearTimeout(idle);
  idle = setTimeout(stop, IDLE_MS);
}

var watching = false;
export function watchTyping(store) {
  S = store;
  if (watching) return;
  watching = true;
  document.addEventListener(
    "input",
    function (ev) {
      var box = ev.target;
      if (ev.isTrusted && box && box.getAttribute && box.getAttribute("data-draft")) typed(box);
    },
    true
  );
  document.addEventListener(
    "focusout",
    function (ev) {
      var box = ev.target;
      if (mine && box && box.getAttribute && box.getAttribute("data-draft")) stop();
    },
    true
  );
}

// -- reading -----------------------------------------------------------------------------

function others(K, pred) {
  var me = K.you && K.you.pid;
  var seen = {};
  var out = [];
  (K.typing.writing || []).forEach(function (w) {
    if (w.pid !== me && pred(w) && !seen[w.pid]) {
      seen[w.pid] = true;
      out.push(w.pid);
    }
  });
  return out;
}

// Others counted in `tool` (this person's own entry, if any, is one of the count).
function counted(K, tool) {
  var n = (K.typing.counts || {})[tool] || 0;
  if (mine && mine.tool === tool) n -= 1;
  return Math.max(0, n);
}

function names(K, pids) {
  if (!pids.length) return "";
  if (pids.length === 1) return K.t("typingOne", { name: K.name(pids[0]) });
  if (pids.length === 2) return K.t("typingTwo", { a: K.name(pids[0]), b: K.name(pids[1]) });
  return K.t("typingMany", { name: K.name(pids[0]), n: pids.length - 1 });
}

export function typingText(K, tool) {
  var pids = others(K, function (w) {
    return w.tool === tool;
  });
  if (pids.length) return names(K, pids);
  var n = counted(K, tool);
  return n ? K.t("typingCount", { n: n }) : "";
}

export function fieldEditors(K, tool, field) {
  var pids = others(K, function (w) {
    return w.tool === tool && w.field === field;
  });
  return pids.length ? K.t("typingField", { name: pids.map(K.name.bind(K)).join(", ") }) : "";
}

// Does `phase` (null: none, the meeting moves on) still open what this entry writes in?
var STAYS = { case: true, notes: true, followup: true };
function stillOpen(tool, field, phase) {
  if (STAYS[tool]) return true;
  if (!phase) return false;
  if (tool === "cards") {
    if (field.indexOf("card-edit") === 0) return true; // one's own card: editable in any phase
    return phase.cards.indexOf(field.replace(/^card-/, "")) >= 0;
  }
  return phase.tools.indexOf(tool) >= 0;
}

export function closingWriters(K, phase) {
  var pids = others(K, function (w) {
    return !stillOpen(w.tool, w.field, phase);
  });
  var n = pids.length;
  var counts = K.typing.counts || {};
  var st = K.state;
  var now = st && st.method.phases[st.phase.index];
  Object.keys(counts).forEach(function (tool) {
    var open = stillOpen(tool, "", phase);
    if (tool === "cards") {
      // Counted only: whether every kind written now is still open there.
      open = !!phase && (now ? now.cards : []).every(function (k) {
        return phase.cards.indexOf(k) >= 0;
      });
    }
    if (!open) n += counted(K, tool);
  });
  return n;
}

component("typingLine", function () {
  return {
    get text() {
      return typingText(this.$store.kring, this.$el.getAttribute("data-tool") || "");
    },
    get active() {
      return !!this.text;
    },
  };
});
