/* Kring force field board, Alpine.data('forcefield'): the current and desired situation, the
 * columns of promoting and hindering forces, ratings and flags, beside the live diagram
 * (tools/forcefield-draw.js). Every change is a command; the server's view is redrawn.
 * Strings: the catalog section "forcefield.".
 */
import { fillBox, withConflicts } from "../core/conflicts.js";
import { clearDraft, draftBase, getDraft, sentDraft, syncBox } from "../core/drafts.js";
import { copy, dict, freeze } from "../core/maps.js";
import { enums, limits, range } from "../core/page.js";
import { component } from "../core/store.js";
import { fieldEditors } from "../core/typing.js";
import { rawState, withActions } from "./board.js";
import { HEADLINE, draw, mean, sorted } from "./forcefield-draw.js";

// --- the interactive board ---------------------------------------------------------------
function forcefieldBoard() {
  var sig = "";
  var drawn = null; // the force field and language last drawn, compared by identity first
  var stopEffect = null;
  return withActions(withConflicts({
    drafts: { promoting: "", hindering: "" },
    // force id -> {importance, difficulty, clarity} chosen but not yet complete; replaced whole and
    // frozen on each change, so Alpine never proxies it (core/maps.js)
    pending: freeze(dict()),
    editId: null,
    editText: "",
    acked: { current: 0, desired: 0 }, // the seq of this person's last saved situation texts
    sitFocus: null,

    init: function () {
      var self = this;
      stopEffect = Alpine.effect(function () {
        var st = rawState(self.$store.kring);
        var lang = self.$store.kring.lang;
        if (!st || !self.$refs.diagram) return;
        // Untouched by a patch, the force field is the same object (core/patch.js): no redraw.
        if (drawn && drawn[0] === st.forcefield && drawn[1] === lang && sig) return;
        drawn = [st.forcefield, lang];
        var s = JSON.stringify([st.forcefield, lang]);
        if (s === sig) return;
        sig = s;
        draw(self.$refs.diagram, st.forcefield, lang);
        self.syncSituation(st.forcefield);
      });
    },
    destroy: function () {
      if (stopEffect && Alpine.release) Alpine.release(stopEffect);
    },

    get ff() {
      return (this.st && this.st.forcefield) || { current: "", desired: "", forces: dict() };
    },
    get toolOpen() {
      return !!this.st && this.$store.kring.tool("forcefield");
    },
    /* Shown where the force field is open, and in the phases before it in a method that uses it,
     * so the current and desired situation can be written down first. */
    // Shown read-only: an earlier phase filled it and this one shows it (the method's `show`).
    get shownOnly() {
      return !!this.st && !this.toolOpen && this.$store.kring.shown("forcefield");
    },
    get boardVisible() {
      return this.toolOpen || this.shownOnly;
    },
    get visible() {
      var st = this.st;
      if (!st) return false;
      if (this.toolOpen || this.shownOnly) return true;
      var phases = st.method.phases;
      for (var i = st.phase.index + 1; i < phases.length; i++) {
        if (phases[i].tools.indexOf("forcefield") >= 0) return true;
      }
      return false;
    },
    get canEdit() {
      return !!this.may.forcefield && !this.shownOnly;
    },
    get canSituation() {
      return !!(this.may.forcefield || this.may.case) && !this.shownOnly;
    },
    get noSituation() {
      return !this.canSituation;
    },
    get canRate() {
      return !!this.may.rate && this.toolOpen;
    },
    get canLink() {
      return !!this.may.link && this.toolOpen;
    },
    // Merging needs another force to merge into.
    get canMerge() {
      return this.canEdit && Object.keys(this.ff.forces).length > 1;
    },
    get promoting() {
      return this.rows("promoting");
    },
    get hindering() {
      return this.rows("hindering");
    },
    get noPromoting() {
      return this.promoting.length === 0;
    },
    get noHindering() {
      return this.hindering.length === 0;
    },
    get currentText() {
      return this.ff.current;
    },
    get desiredText() {
      return this.ff.desired;
    },

    rows: function (side) {
      var me = this.$store.kring.you && this.$store.kring.you.pid;
      var self = this;
      var T = this.L;
      var keys = enums().rating_keys;
      return sorted(this.ff.forces, side).map(function (f) {
        var s = f.summary || {};
        var mine = (f.ratings || dict())[me] || null;
        var pend = self.pending[f.id] || dict();
        var my = {};
        keys.forEach(function (k) {
          my[k] = pend[k] || (mine ? mine[k] : 0);
        });
        var stats = keys.filter(function (k) {
          return k !== HEADLINE;
        }).map(function (k) {
          var m = s[k] || {};
          return {
            key: k,
            label: T[k],
            text: m.mean === null || m.mean === undefined ? "–" : m.mean.toFixed(1) + " ±" + m.spread.toFixed(1),
          };
        });
        var imp = mean(f, HEADLINE);
        var linked = (self.ff.links || [])
          .filter(function (pair) {
            return pair.indexOf(f.id) >= 0;
          })
          .map(function (pair) {
            var other = pair[0] === f.id ? pair[1] : pair[0];
            var o = self.ff.forces[other];
            return { id: other, text: o ? o.text : other, removeLabel: T.unlink + ": " + (o ? o.text : other) };
          });
        var others = Object.keys(self.ff.forces)
          .filter(function (id) {
            return id !== f.id;
          })
          .map(function (id) {
            return { id: id, text: self.ff.forces[id].text };
          });
        var dec = f.decided;
        return {
          id: f.id,
          side: side,
          text: f.text,
          author: self.$store.kring.name(f.author),
          influenceable: !!f.influenceable,
          flagLabel: f.influenceable ? T.unflag : T.flag,
          n: s.n || 0,
          headline:
            imp === null
              ? T.unrated
              : T[HEADLINE] + " " + imp.toFixed(1) + " ±" + s[HEADLINE].spread.toFixed(1) + " · n=" + (s.n || 0),
          stats: stats,
          decided: dec
            ? T.decided + ": " + keys.map(function (k) {
                return T[k] + " " + dec[k];
              }).join(" · ")
            : "",
          hasDecided: !!dec,
          linked: linked,
          hasLinks: linked.length > 0,
          mergeTargets: others,
          linkTargets: others.filter(function (o) {
            return !linked.some(function (l) {
              return l.id === o.id;
            });
          }),
          mergeId: "ff-merge-" + f.id,
          linkId: "ff-link-" + f.id,
          my: my,
          incomplete: !!self.pending[f.id],
          editing: self.editId === f.id,
          rowClass: "ff-item ff-item-" + side + (f.influenceable ? " is-flagged" : "") + (imp === null ? " is-unrated" : ""),
        };
      });
    },

    // -- situation --
    syncSituation: function (ff) {
      var refs = this.$refs;
      ["current", "desired"].forEach(function (k) {
        var box = refs[k];
        syncBox(box, ff[k] || "");
      });
    },
    // Typing in the situation: saved once the person pauses (~1 s), as well as on leaving it.
    onSituationType: function (ev) {
      // A draft put back after a reload (an untrusted event) waits for the person: not saved unasked.
      if (!ev.isTrusted) return;
      var self = this;
      var target = ev.target;
      if (this._pause) clearTimeout(this._pause);
      this._pause = setTimeout(function () {
        self._pause = null;
        if (!self.noSituation) self.saveSituation({ target: target });
      }, 1000);
    },
    saveSituation: function (ev) {
      if (this._pause) clearTimeout(this._pause);
      this._pause = null;
      var k = ev.target.getAttribute("data-field");
      if (this.hasConflict("forcefield." + k)) return; // the person chooses first
      var text = ev.target.value.trim();
      if (text === (this.ff[k] || "")) {
        clearDraft("ff-" + k);
        return;
      }
      this.setSituation(k, text, draftBase("ff-" + k, this.versionOf(k)));
    },
    // The version of a situation field (docs/protocol.md, "Concurrent edits"); 0: never changed.
    // This person's own save counts from its ack on, before the view that carries it arrives.
    versionOf: function (k) {
      var st = this.st;
      return Math.max((st && st.versions && st.versions["forcefield." + k]) || 0, this.acked[k] || 0);
    },
    setSituation: function (k, text, base) {
      var self = this;
      var args = { base: base };
      args[k] = text;
      var sent = this.send("forcefield.set", args).then(function (r) {
        if (r && r.t === "ack") self.acked[k] = r.seq;
        self.conflictFrom("forcefield." + k, "ff-" + k, text, r);
        return r;
      });
      sentDraft("ff-" + k, text, sent);
    },
    resolveConflict: function (key, how, c) {
      var k = key.replace("forcefield.", "");
      var box = this.$refs[k];
      if (how === "mine") this.setSituation(k, c.mine, c.version);
      else if (how === "theirs") box.value = c.theirs;
      else fillBox(box, c.merged, "ff-" + k, c.version);
    },
    editorsOf: function (k) {
      return fieldEditors(this.$store.kring, "forcefield", "ff-" + k);
    },
    situationKey: function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        this.saveSituation(ev); // and keep focus here: blurring would drop a keyboard user on the body
      }
    },

    // -- forces --
    onDraft: function (ev) {
      this.drafts[ev.target.getAttribute("data-side")] = ev.target.value;
    },
    addKey: function (ev) {
      if (ev.key === "Enter") {
        ev.preventDefault();
        this.add(ev.target.getAttribute("data-side"));
      }
    },
    addPromoting: function () {
      this.add("promoting");
    },
    addHindering: function () {
      this.add("hindering");
    },
    add: function (side) {
      var box = document.getElementById("ff-add-" + side);
      var text = (box ? box.value : this.drafts[side]).trim().slice(0, limits().node);
      if (!text || enums().force_sides.indexOf(side) < 0) return;
      sentDraft("ff-add-" + side, text, this.send("force.add", { id: this.$store.kring.newId("f"), side: side, text: text }));
      if (box) box.value = "";
      this.drafts[side] = "";
    },
    startEdit: function (id) {
      this.editId = id;
      this.editText = getDraft("ff-edit-" + id) || (this.ff.forces[id] || {}).text || "";
      var self = this;
      this.$nextTick(function () {
        var box = document.getElementById("ff-edit-" + id);
        if (box) {
          box.value = self.editText;
          box.focus();
        }
      });
    },
    editKey: function (ev) {
      if (ev.key === "Enter") {
        ev.preventDefault();
        this.saveEdit(ev);
      } else if (ev.key === "Escape") {
        clearDraft("ff-edit-" + this.editId); // the person discards it
        this.editId = null;
      }
    },
    saveEdit: function (ev) {
      var id = this.editId;
      if (!id) return;
      var text = ev.target.value.trim().slice(0, limits().node);
      this.editId = null;
      if (text && this.ff.forces[id] && text !== this.ff.forces[id].text) {
        sentDraft("ff-edit-" + id, text, this.send("force.edit", { id: id, text: text }));
      } else {
        clearDraft("ff-edit-" + id);
      }
    },
    remove: function (id) {
      if (!window.confirm(this.L.confirmRemove)) return;
      this.send("force.remove", { id: id });
    },
    // A duplicate goes into the force chosen: its ratings and links move there (force.merge).
    merge: function (ev) {
      var id = ev.target.getAttribute("data-row");
      var into = ev.target.value;
      ev.target.value = "";
      if (!into || !this.ff.forces[id] || !this.ff.forces[into]) return;
      if (!window.confirm(this.$store.kring.t("forcefield.confirmMerge", { a: this.ff.forces[id].text, b: this.ff.forces[into].text }))) return;
      this.send("force.merge", { id: id, into: into });
    },
    link: function (ev) {
      var id = ev.target.getAttribute("data-row");
      var other = ev.target.value;
      ev.target.value = "";
      if (other && this.ff.forces[other]) this.send("force.link", { a: id, b: other, on: true });
    },
    unlink: function (ev) {
      var btn = ev.currentTarget;
      this.send("force.link", { a: btn.getAttribute("data-row"), b: btn.getAttribute("data-other"), on: false });
    },
    toggleFlag: function (id) {
      var f = this.ff.forces[id];
      if (f) this.send("force.flag", { id: id, influenceable: !f.influenceable });
    },

    // -- ratings: force.rate needs all three; partial choices wait here until complete --
    rate: function (id, key, value) {
      if (!this.canRate) return;
      var me = this.$store.kring.you.pid;
      var f = this.ff.forces[id];
      if (!f) return;
      var base = (f.ratings || dict())[me] || dict();
      var next = Object.assign(copy(base), this.pending[id] || dict());
      next[key] = value;
      var scale = limits().score;
      var complete = enums().rating_keys.every(function (k) {
        return next[k] >= scale[0] && next[k] <= scale[1];
      });
      if (!complete) {
        var p = copy(this.pending);
        p[id] = next;
        this.pending = freeze(p);
        return;
      }
      var rest = copy(this.pending);
      delete rest[id];
      this.pending = freeze(rest);
      var args = { id: id };
      enums().rating_keys.forEach(function (k) {
        args[k] = next[k];
      });
      this.send("force.rate", args);
    },
    dotClass: function (row, key, v) {
      var cur = row.my[key];
      return "ff-dot" + (cur === v ? " is-mine" : "") + (cur && v <= cur ? " is-on" : "");
    },
    keyLabel: function (key) {
      return this.L[key];
    },
    keyQuestion: function (key) {
      return this.L[key + "Q"];
    },
    // What a force is rated on, and the scale (the server's RATING_KEYS and SCORE).
    get rateKeys() {
      return enums().rating_keys;
    },
    get scale() {
      var s = limits().score;
      return range(s[0], s[1]);
    },
  }), "forcefield");
}

component("forcefield", forcefieldBoard);
