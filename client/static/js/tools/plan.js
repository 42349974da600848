/* Kring SMART action plan, Alpine.data('plan'). The inbrenger writes (plan.set, saved on blur or
 * Enter); the others suggest (plan.suggest) and the inbrenger accepts or dismisses. Advice cards
 * marked useful are shown beside the plan. The fields are the server's PLAN_FIELDS
 * (enums().plan_fields); strings: the catalog section "plan.". */
import { withConflicts } from "../core/conflicts.js";
import { clearDraft, sentDraft } from "../core/drafts.js";
import { versionedFields } from "../core/fields.js";
import { dict } from "../core/maps.js";
import { enums, limits } from "../core/page.js";
import { component } from "../core/store.js";
import { longDate } from "../core/time.js";
import { fieldEditors } from "../core/typing.js";
import { rawState, withActions } from "./board.js";

// Every field either form writes (kept in sync with the server's view); a phase shows one form.
function fields() {
  return enums().plan_fields.concat(enums().eval_plan_fields);
}

function planBoard() {
  var stopEffect = null;
  var boxes = versionedFields({
    box: function (f) {
      return "plan-" + f;
    },
    version: function (f) {
      return "plan." + f;
    },
  });
  return withActions(withConflicts({
    suggesting: null, // field being suggested for

    init: function () {
      var self = this;
      // Server values flow into the inputs, except into the one being typed in.
      stopEffect = Alpine.effect(function () {
        var st = rawState(self.$store.kring);
        if (!st || !st.plan) return;
        var plan = st.plan;
        // Read here, not in the tick: a patch replaces only the sections it changed, so the effect
        // must follow the phase (the boxes appear with it) and the versions as well as the plan.
        var versions = st.versions || {};
        void st.phase;
        self.$nextTick(function () {
          boxes.sync(fields(), versions, function (f) {
            return plan[f] || "";
          });
        });
      });
    },
    destroy: function () {
      if (stopEffect && Alpine.release) Alpine.release(stopEffect);
    },

    get visible() {
      return !!this.st && (this.$store.kring.tool("plan") || this.$store.kring.shown("plan"));
    },
    // Shown read-only: an earlier phase filled it and this one shows it (the method's `show`).
    get shownOnly() {
      return !!this.st && !this.$store.kring.tool("plan") && this.$store.kring.shown("plan");
    },
    get canEdit() {
      return !!this.may.plan && !this.shownOnly;
    },
    get readOnly() {
      return !this.canEdit;
    },
    get canSuggest() {
      return !!this.may.suggest && !this.shownOnly;
    },
    get canDecide() {
      return !!(this.may.plan || this.may.mark) && !this.shownOnly;
    },
    // The phase's form (its method's `plan`): the SMART action plan, or the evaluation plan.
    get isEval() {
      var st = this.st;
      var p = st && st.method.phases[st.phase.index];
      return !!p && p.plan === "evaluation" && !this.shownOnly;
    },
    get formFields() {
      return this.isEval ? enums().eval_plan_fields : enums().plan_fields;
    },
    get titleText() {
      return this.isEval ? this.L.evalTitle : this.L.title;
    },
    get introText() {
      if (this.canEdit) return this.isEval ? this.L.evalIntro : this.L.intro;
      if (this.canSuggest) return this.L.suggestIntro;
      return this.L.readonly;
    },
    get filledText() {
      var plan = (this.st && this.st.plan) || dict();
      var n = this.formFields.filter(function (f) {
        return (plan[f] || "").trim();
      }).length;
      return this.f("filled", { n: n, m: this.formFields.length });
    },
    get fields() {
      var st = this.st;
      var plan = (st && st.plan) || dict();
      var sugg = (st && st.suggestions) || dict();
      var T = this.L;
      var self = this;
      return this.formFields.map(function (f) {
        var value = plan[f] || "";
        var open = Object.keys(sugg)
          .filter(function (id) {
            return sugg[id].field === f && sugg[id].status === "open";
          })
          .map(function (id) {
            return { id: id, text: sugg[id].text, from: T.from + " " + self.$store.kring.name(sugg[id].author) };
          });
        return {
          key: f,
          id: "plan-" + f,
          label: T["field." + f],
          hint: T["hint." + f],
          value: value,
          display: value ? (/date$/.test(f) ? longDate(value, self.$store.kring.lang) : value) : T.empty,
          empty: !value.trim(),
          date: /date$/.test(f),
          multi: !/date$/.test(f),
          cls: "plan-field" + (value.trim() ? "" : " is-empty"),
          suggestions: open,
          conflictKey: "plan." + f,
          suggesting: self.suggesting === f,
          editors: fieldEditors(self.$store.kring, "plan", "plan-" + f),
        };
      });
    },
    get useful() {
      var cards = (this.st && this.st.cards) || dict();
      var self = this;
      return Object.keys(cards)
        .filter(function (id) {
          return cards[id].kind === "advice" && cards[id].useful;
        })
        .map(function (id) {
          return { id: id, text: cards[id].text, author: self.$store.kring.name(cards[id].author) };
        });
    },
    /* The advice column only where the method has an advice phase, or advice was marked useful. */
    get showAdvice() {
      var st = this.st;
      if (!st) return false;
      var advising = st.method.phases.some(function (p) {
        return p.tools.indexOf("advice") >= 0 || p.cards.indexOf("advice") >= 0;
      });
      return advising || this.useful.length > 0;
    },
    get layoutClass() {
      return this.showAdvice ? "" : "no-advice";
    },
    get noUseful() {
      return this.useful.length === 0;
    },

    save: function (ev) {
      boxes.cancelPause();
      if (!this.canEdit) return;
      var f = ev.target.getAttribute("data-field");
      var text = ev.target.value.trim().slice(0, limits().text);
      var cur = ((this.st && this.st.plan) || dict())[f] || "";
      if (fields().indexOf(f) < 0 || this.hasConflict("plan." + f)) return; // the person chooses first
      if (text === cur) {
        clearDraft("plan-" + f);
        return;
      }
      this.setField(f, text, boxes.base(f));
    },
    setField: function (f, text, base) {
      var self = this;
      boxes.sent(f, text, this.send("plan.set", { field: f, text: text, base: base }), function (r) {
        // Someone else changed the field since this person started: nothing is overwritten.
        self.conflictFrom("plan." + f, "plan-" + f, text, r);
      });
    },
    // The conflict panel's choices (core/conflicts.js).
    resolveConflict: function (key, how, c) {
      var self = this;
      var f = key.slice(5);
      boxes.resolve(f, how, c, function (text, version) {
        self.setField(f, text, version);
      });
    },
    // Typing: saved once the person pauses, as well as on leaving the field.
    onType: function (ev) {
      var self = this;
      boxes.onType(ev, function (e) {
        self.save(e);
      });
    },
    fieldKey: function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        this.save(ev); // and keep focus here: blurring would drop a keyboard user on the page body
      }
    },
    startSuggest: function (f) {
      this.suggesting = f;
      this.$nextTick(function () {
        var box = document.getElementById("plan-suggest-" + f);
        if (box) box.focus();
      });
    },
    cancelSuggest: function () {
      this.suggesting = null;
    },
    suggestKey: function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        this.sendSuggestion();
      } else if (ev.key === "Escape") {
        this.suggesting = null;
      }
    },
    sendSuggestion: function () {
      var f = this.suggesting;
      var box = document.getElementById("plan-suggest-" + f);
      var text = box ? box.value.trim().slice(0, limits().text) : "";
      if (!f || !text) return;
      this.suggesting = null;
      sentDraft("plan-suggest-" + f, text, this.send("plan.suggest", { id: this.$store.kring.newId("s"), field: f, text: text }));
    },
    accept: function (id) {
      this.send("plan.accept", { id: id });
    },
    dismiss: function (id) {
      this.send("plan.dismiss", { id: id });
    },
  }), "plan");
}

component("plan", planBoard);
