/* Kring SMART action plan. The inbrenger writes (plan.set, saved on blur or Enter); the others
 * suggest (plan.suggest) and the inbrenger accepts or dismisses. Advice cards marked useful are
 * shown beside the plan. */
(function () {
  "use strict";

  var FIELDS = ["action", "specific", "measurable", "acceptable", "realistic", "timebound", "first_step", "review_date"];
  var MAX_TEXT = 2000;
  function component() {
    var stopEffect = null;
    return window.KringBoard.withActions({
      suggesting: null, // field being suggested for

      init: function () {
        var self = this;
        // Server values flow into the inputs, except into the one being typed in.
        stopEffect = Alpine.effect(function () {
          var st = window.KringBoard.rawState(self.$store.kring);
          if (!st || !st.plan) return;
          var plan = st.plan;
          self.$nextTick(function () {
            FIELDS.forEach(function (f) {
              var box = document.getElementById("plan-" + f);
              if (box && document.activeElement !== box && box.value !== (plan[f] || "")) box.value = plan[f] || "";
            });
          });
        });
      },
      destroy: function () {
        if (stopEffect && Alpine.release) Alpine.release(stopEffect);
      },

      get visible() {
        return !!this.st && this.$store.kring.tool("plan");
      },
      get canEdit() {
        return !!this.may.plan;
      },
      get readOnly() {
        return !this.may.plan;
      },
      get canSuggest() {
        return !!this.may.suggest;
      },
      get canDecide() {
        return !!(this.may.plan || this.may.mark);
      },
      get introText() {
        if (this.canEdit) return this.L.intro;
        if (this.canSuggest) return this.L.suggestIntro;
        return this.L.readonly;
      },
      get filledText() {
        var plan = (this.st && this.st.plan) || {};
        var n = FIELDS.filter(function (f) {
          return (plan[f] || "").trim();
        }).length;
        return this.f("filled", { n: n, m: FIELDS.length });
      },
      get fields() {
        var st = this.st;
        var plan = (st && st.plan) || {};
        var sugg = (st && st.suggestions) || {};
        var T = this.L;
        var self = this;
        return FIELDS.map(function (f) {
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
            display: value || T.empty,
            empty: !value.trim(),
            date: f === "review_date",
            multi: f !== "review_date",
            cls: "plan-field" + (value.trim() ? "" : " is-empty"),
            suggestions: open,
            suggesting: self.suggesting === f,
          };
        });
      },
      get useful() {
        var cards = (this.st && this.st.cards) || {};
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
        if (!this.canEdit) return;
        var f = ev.target.getAttribute("data-field");
        var text = ev.target.value.trim().slice(0, MAX_TEXT);
        var cur = ((this.st && this.st.plan) || {})[f] || "";
        if (FIELDS.indexOf(f) < 0 || text === cur) return;
        this.send("plan.set", { field: f, text: text });
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
        var text = box ? box.value.trim().slice(0, MAX_TEXT) : "";
        if (!f || !text) return;
        this.suggesting = null;
        this.send("plan.suggest", { id: this.$store.kring.newId("s"), field: f, text: text });
      },
      accept: function (id) {
        this.send("plan.accept", { id: id });
      },
      dismiss: function (id) {
        this.send("plan.dismiss", { id: id });
      },
    }, "plan");
  }

  /* A field's text for reading (report, projector): dates in words, the rest as written. */
  function display(field, value, lang) {
    var m = field === "review_date" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    if (!m) return value;
    var d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return d.toLocaleDateString(window.kringI18n.locale(lang), { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  }

  /* The plan as rows for reading: [{key, label, text, cls}], empty fields as `emptyText`. */
  function rows(plan, lang, emptyText) {
    return FIELDS.map(function (f) {
      var v = (plan && plan[f]) || "";
      return { key: f, label: window.kringI18n.t(lang, "plan.field." + f), text: v ? display(f, v, lang) : emptyText, cls: v ? "" : "is-empty" };
    });
  }

  window.KringPlan = { FIELDS: FIELDS, display: display, rows: rows };
  document.addEventListener("alpine:init", function () {
    window.Alpine.data("plan", component);
  });
})();
