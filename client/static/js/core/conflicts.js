/* Concurrent edits of one field (docs/protocol.md, "Concurrent edits"): an edit sent against an
 * older version than the field's is refused with `conflict` and the current text, and nothing is
 * overwritten. This mixin keeps such refusals per field key ("case.question", "card.<id>", …) and
 * offers the three choices: keep mine (the same edit again, now against the current version), take
 * theirs, or merge by hand (both texts in the box, to edit and send).
 *
 *   withConflicts(component)   adds:
 *     conflicts                 key -> {mine, theirs, version, draft}
 *     conflictFrom(key, draft, mine, r)  true (and kept) when `r` is such a refusal
 *     hasConflict(key), theirsOf(key)    for the panel (partials/conflict.html)
 *     keepMine(ev), takeTheirs(ev), mergeByHand(ev)  the panel's buttons (data-key="<key>")
 *   The component answers `resolveConflict(key, how, c)`: how is "mine" (send c.mine with base
 *   c.version), "theirs" (show c.theirs) or "merge" (show c.merged, from version c.version).
 *   Taking theirs forgets the draft; the other two keep it until the text is sent.
 */
import { clearDraft, rebaseDraft } from "./drafts.js";
import { dict } from "./maps.js";
import { define } from "./store.js";

var mixin = {
  conflictFrom: function (key, draft, mine, r) {
    if (!r || r.t !== "error" || r.code !== "conflict" || typeof r.current !== "string") return false;
    var next = dict();
    var old = this.conflicts;
    Object.keys(old).forEach(function (k) {
      next[k] = old[k];
    });
    next[key] = { mine: mine, theirs: r.current, version: r.version || 0, draft: draft };
    this.conflicts = next;
    if ("error" in this) this.error = ""; // the panel says it, in the person's language
    return true;
  },
  conflictText: function (key) {
    return this.$store.kring.t(key);
  },
  hasConflict: function (key) {
    return !!this.conflicts[key];
  },
  theirsOf: function (key) {
    var c = this.conflicts[key];
    return c ? c.theirs || "—" : "";
  },
  takeConflict: function (ev) {
    var key = ev.currentTarget.getAttribute("data-key");
    var c = this.conflicts[key];
    if (!c) return null;
    var next = dict();
    var old = this.conflicts;
    Object.keys(old).forEach(function (k) {
      if (k !== key) next[k] = old[k];
    });
    this.conflicts = next;
    return { key: key, c: c };
  },
  keepMine: function (ev) {
    var x = this.takeConflict(ev);
    if (x) this.resolveConflict(x.key, "mine", x.c);
  },
  takeTheirs: function (ev) {
    var x = this.takeConflict(ev);
    if (!x) return;
    if (x.c.draft) clearDraft(x.c.draft);
    this.resolveConflict(x.key, "theirs", x.c);
  },
  mergeByHand: function (ev) {
    var x = this.takeConflict(ev);
    if (!x) return;
    x.c.merged = x.c.theirs ? x.c.theirs + "\n" + x.c.mine : x.c.mine;
    if (x.c.draft) rebaseDraft(x.c.draft, x.c.version);
    this.resolveConflict(x.key, "merge", x.c);
  },
};

export function withConflicts(component) {
  component.conflicts = dict();
  return define(component, mixin);
}

/* Puts `text` into a box as if typed (its draft and the component follow), from `version` on. */
export function fillBox(box, text, draft, version) {
  if (!box) return;
  box.value = text;
  box.dispatchEvent(new Event("input", { bubbles: true }));
  if (draft) rebaseDraft(draft, version);
  box.focus();
}
