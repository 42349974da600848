/* Kring prepare page: the zelf-intervisietest, answered privately and kept in this browser only. */
(function () {
  "use strict";

  var STORE_KEY = "kring:prepare";
  var IDS = ["zq1", "zq2", "zq3", "zq4", "zq5", "zq6", "zq7", "zq8", "zq9", "zq10", "zq11", "zq-werkvraag"];

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(STORE_KEY) || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  function prepare() {
    return {
      answers: load(),
      get L() {
        return window.kringI18n.dict(this.$store.kring.lang);
      },
      get questions() {
        var self = this;
        return IDS.slice(0, 11).map(function (id) {
          return { id: id, text: self.L[id], value: self.answers[id] || "" };
        });
      },
      get werkvraag() {
        return this.answers["zq-werkvraag"] || "";
      },
      onInput: function (ev) {
        this.answers[ev.target.id] = ev.target.value;
        try {
          window.localStorage.setItem(STORE_KEY, JSON.stringify(this.answers));
        } catch (e) {
          /* private mode: answers live only as long as the page */
        }
      },
      clear: function () {
        if (!window.confirm(this.L.confirmClear)) return;
        this.answers = {};
        try {
          window.localStorage.removeItem(STORE_KEY);
        } catch (e) {
          /* nothing stored */
        }
      },
    };
  }

  document.addEventListener("alpine:init", function () {
    window.Alpine.data("prepare", prepare);
  });
})();
