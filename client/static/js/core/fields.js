/* Versioned text fields saved as a person writes (the action plan, the phases' outcome fields):
 * the server's text flows into each box except the one being typed in; a box's text is sent when
 * the person pauses (PAUSE_MS) or leaves it, against the version the person started from (`base`),
 * so a change made by someone else meanwhile is refused with `conflict` and never overwritten
 * silently (core/conflicts.js shows the choices). Drafts (core/drafts.js) keep unsent text over a
 * reload, with the base it was started from.
 *
 *   var fields = versionedFields({ box: key -> element id (and draft name),
 *                                  version: key -> version key ("plan.<f>", "outcome.<p>/<f>") });
 *   fields.sync(keys, versions, textOf)   in an Alpine.effect's tick: boxes and bases
 *   fields.base(key)                       the version the person's text starts from
 *   fields.sent(key, text, promise, onReply)  after sending: the new base on ack; onReply(r)
 *   fields.onType(ev, save)                schedules save({target}) after a pause
 *   fields.cancelPause()                   before a save on leaving the field
 *   fields.resolve(key, how, c, resend)    the conflict panel's choice (resend(text, version))
 */
import { fillBox } from "./conflicts.js";
import { draftBase, hasDraft, sentDraft, syncBox } from "./drafts.js";
import { dict } from "./maps.js";

export var PAUSE_MS = 1000;

export function versionedFields(opts) {
  var bases = dict(); // key -> the version (seq) the person's text starts from
  var pauseTimer = null;
  return {
    sync: function (keys, versions, textOf) {
      keys.forEach(function (k) {
        var id = opts.box(k);
        var box = document.getElementById(id);
        // The one last shown in the box, or the one a kept draft was started from (also after a
        // reload), never the newer one of a box being typed in.
        var v = versions[opts.version(k)] || 0;
        if (hasDraft(id)) bases[k] = draftBase(id, v);
        else if (!box || document.activeElement !== box || bases[k] === undefined) bases[k] = v;
        if (box) box.setAttribute("data-draft-base", String(bases[k]));
        syncBox(box, textOf(k));
      });
    },
    base: function (k) {
      return bases[k] || 0;
    },
    sent: function (k, text, promise, onReply) {
      var done = Promise.resolve(promise).then(function (r) {
        if (r && r.t === "ack") bases[k] = r.seq; // (a draft typed on meanwhile: sentDraft rebases it)
        if (onReply) onReply(r);
        return r;
      });
      sentDraft(opts.box(k), text, done);
      return done;
    },
    onType: function (ev, save) {
      // A draft put back after a reload (an untrusted event) waits for the person: not saved unasked.
      if (!ev.isTrusted) return;
      var target = ev.target;
      this.cancelPause();
      pauseTimer = setTimeout(function () {
        pauseTimer = null;
        save({ target: target });
      }, PAUSE_MS);
    },
    cancelPause: function () {
      if (pauseTimer) clearTimeout(pauseTimer);
      pauseTimer = null;
    },
    resolve: function (k, how, c, resend) {
      bases[k] = c.version;
      var box = document.getElementById(opts.box(k));
      if (how === "mine") resend(c.mine, c.version);
      else if (how === "theirs" && box) box.value = c.theirs;
      else if (how === "merge") fillBox(box, c.merged, opts.box(k), c.version);
    },
  };
}
