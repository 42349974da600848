/* What every board tool shares (the mind-map, the force field, the vote, the plan, and the
 * projector and report pages).
 *
 *   withActions(component, section)  component + `st` (the view), `may` (its permissions),
 *       `error`, `hasError`, `send(type, args)` (a command through the store; a refusal shows as
 *       `error`) and `clearError()`; with a catalog `section` such as "forcefield" also `L` (L["title"]
 *       is the key "forcefield.title" in the current language) and `f(key, vars)` (the same with
 *       placeholders and plurals).
 *   rawState(store)  the view. Its top level is watched by Alpine one key at a time (a patch
 *       assigns only the sections it changed, core/conn.js), so reading `st.mindmap` subscribes
 *       the caller to the mind-map alone; the sections are frozen, so the reads inside them skip
 *       the proxy: a 200-node map is read many times per update.
 */
import { kringI18n } from "../core/i18n.js";
import { define } from "../core/store.js";

// A refusal in the person's language (the catalog's err_<code>, else the generic one), never the
// server's English message.
export function errorIn(K, code) {
  return K.has("err_" + code) ? K.t("err_" + code) : K.t("err_generic");
}

var actions = {
  error: "",
  get hasError() {
    return !!this.error;
  },
  send: function (type, args) {
    var self = this;
    self.error = "";
    return Promise.resolve(self.$store.kring.send(type, args)).then(
      function (r) {
        if (r && r.t === "error") self.error = errorIn(self.$store.kring, r.code);
        return r;
      },
      function (e) {
        self.error = errorIn(self.$store.kring, e && e.code);
      }
    );
  },
  clearError: function () {
    this.error = "";
  },
};

export function rawState(store) {
  return store.state;
}

var common = {
  get st() {
    return rawState(this.$store.kring);
  },
  get may() {
    var st = rawState(this.$store.kring);
    return (st && st.may) || {};
  },
};

export function withActions(component, section) {
  define(component, common);
  if (section) {
    Object.defineProperty(component, "L", {
      get: function () {
        return kringI18n.section(this.$store.kring.lang, section);
      },
      enumerable: true,
      configurable: true,
    });
    component.f = function (key, vars) {
      return kringI18n.t(this.$store.kring.lang, section + "." + key, vars);
    };
  }
  return define(component, actions);
}
