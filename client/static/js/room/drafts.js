/* Unsent text that has no box on screen any more (Alpine.data('draftsPanel')): the phase changed
 * while someone was writing, or a command sent while offline was refused after the reconnect
 * (phase_closed, forbidden, conflict). Its draft (core/drafts.js) stays, shown here with where it
 * was written and three choices: copy it, keep it in the personal stash of this browser, or discard
 * it. Nothing is ever dropped silently. A draft whose box is on screen is shown in that box instead.
 */
import { copyText } from "../core/copy.js";
import { clearDraft, listDrafts, onDraftsChange, stashDraft } from "../core/drafts.js";
import { component } from "../core/store.js";
import { base } from "./base.js";

// Where a draft was written, for the list: a catalog key per kind of box.
function whereKey(field) {
  var f = field.replace(/^stash-.*$/, "stash");
  if (f.indexOf("plan-suggest-") === 0) return "draftWhere_suggest";
  if (f.indexOf("plan-") === 0) return "draftWhere_plan";
  if (f.indexOf("ff-add-") === 0 || f.indexOf("ff-edit-") === 0) return "draftWhere_force";
  if (f === "ff-current" || f === "ff-desired") return "draftWhere_situation";
  if (f.indexOf("card-") === 0) return "draftWhere_card";
  if (f.indexOf("case-") === 0) return "draftWhere_case";
  if (f.indexOf("note-") === 0) return "draftWhere_note";
  if (f.indexOf("eval-") === 0) return "draftWhere_eval";
  if (f.indexOf("mm-") === 0) return "draftWhere_node";
  if (f.indexOf("pitch-") === 0) return "draftWhere_pitch";
  if (f.indexOf("fu-") === 0) return "draftWhere_followup";
  return "draftWhere_other";
}

function onScreen(field) {
  var boxes = document.querySelectorAll("[data-draft]");
  for (var i = 0; i < boxes.length; i++) {
    var b = boxes[i];
    if (b.getAttribute("data-draft") === field && b.offsetParent !== null && !b.disabled && !b.readOnly) return true;
  }
  return false;
}

function panel() {
  var stopEffect = null;
  return base({
    tick: 0,
    copied: "",

    init: function () {
      var self = this;
      var bump = function () {
        self.tick++;
      };
      onDraftsChange(bump);
      // A new view can show or hide boxes: look again once it is rendered.
      stopEffect = Alpine.effect(function () {
        var st = self.$store.kring.state;
        void (st && st.seq); // every update moves the seq
        setTimeout(bump, 50);
      });
    },
    destroy: function () {
      if (stopEffect && Alpine.release) Alpine.release(stopEffect);
    },

    get items() {
      void this.tick;
      var L = this.L;
      var self = this;
      return listDrafts()
        .filter(function (d) {
          return d.stashed || !onScreen(d.field);
        })
        .map(function (d) {
          return {
            field: d.field,
            text: d.text,
            stashed: d.stashed,
            where: L[whereKey(d.from)] || L.draftWhere_other,
            copyLabel: self.copied === d.field ? L.copied || L.draftCopy : L.draftCopy,
          };
        });
    },
    get loose() {
      return this.items.filter(function (d) {
        return !d.stashed;
      });
    },
    get stash() {
      return this.items.filter(function (d) {
        return d.stashed;
      });
    },
    get visible() {
      return this.items.length > 0;
    },
    get hasLoose() {
      return this.loose.length > 0;
    },
    get hasStash() {
      return this.stash.length > 0;
    },

    copy: function (ev) {
      var field = ev.currentTarget.getAttribute("data-field");
      var d = listDrafts().find(function (x) {
        return x.field === field;
      });
      if (!d) return;
      var self = this;
      var box = ev.currentTarget.closest(".draft-item").querySelector(".draft-text");
      copyText(d.text, box, function (on) {
        self.copied = on ? field : "";
      });
    },
    keep: function (ev) {
      stashDraft(ev.currentTarget.getAttribute("data-field"));
    },
    discard: function (ev) {
      clearDraft(ev.currentTarget.getAttribute("data-field"));
    },
  });
}

component("draftsPanel", panel);
