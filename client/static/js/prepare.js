/* Kring prepare page: the zelf-intervisietest, answered privately and kept in this browser only.
 * Alpine.data('prepare'). */
import "./core/conn.js";
import { kringI18n } from "./core/i18n.js";
import { copy, dict } from "./core/maps.js";
import { lsJSON, lsSet } from "./core/storage.js";
import { component } from "./core/store.js";

var STORE_KEY = "kring:prepare";
var IDS = ["zq1", "zq2", "zq3", "zq4", "zq5", "zq6", "zq7", "zq8", "zq9", "zq10", "zq11", "zq-werkvraag"];

function load() {
  var a = lsJSON(STORE_KEY, null);
  return a && typeof a === "object" ? copy(a) : dict();
}

function prepare() {
  return {
    answers: load(),
    get L() {
      return kringI18n.dict(this.$store.kring.lang);
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
      lsSet(STORE_KEY, JSON.stringify(this.answers)); // private mode: they live as long as the page
    },
    clear: function () {
      if (!window.confirm(this.L.confirmClear)) return;
      this.answers = dict();
      lsSet(STORE_KEY, null);
    },
  };
}

component("prepare", prepare);
