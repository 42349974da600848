/* What every component of the group page (/g/{group}#KEY, client/templates/group.html) shares:
 * the stores, the group's view, strings, dates, API errors, the upcoming meeting, the chair and the
 * methods a meeting can use. Strings: the catalogs client/i18n/<lang>.json (core/i18n.js).
 */
import { kringI18n } from "../core/i18n.js";
import { dict } from "../core/maps.js";
import { pageData } from "../core/page.js";
import { define } from "../core/store.js";
import { longDate } from "../core/time.js";

// Shared getters for every group component.
export function base() {
  var o = {
    get K() {
      return this.$store.kring;
    },
    get G() {
      return this.$store.group;
    },
    get v() {
      return this.$store.group.view;
    },
    get L() {
      return kringI18n.dict(this.$store.kring.lang);
    },
    get you() {
      return (this.v && this.v.you) || { mid: null, name: "", admin: false };
    },
    get isAdmin() {
      return !!this.you.admin;
    },
    get ready() {
      return this.$store.group.phase === "ready" && !!this.v;
    },
    f: function (key, vars) {
      return this.$store.kring.t(key, vars);
    },
    tr: function (obj) {
      return this.$store.kring.tr(obj);
    },
    memberName: function (mid) {
      var m = this.v && this.v.members && this.v.members[mid];
      return m ? m.name : this.L.unknownPerson;
    },
    date: function (iso) {
      return longDate(iso, this.$store.kring.lang);
    },
    // An error from the API as one line: a translated head and the server's own words.
    errText: function (r) {
      var d = (r && r.data) || dict();
      var head = this.K.has("err_" + d.error) ? this.L["err_" + d.error] : this.L.err_generic;
      return d.message ? head + " (" + d.message + ")" : head;
    },
    // The meeting still to be held (or running): the latest one not finished.
    get upcoming() {
      var ms = (this.v && this.v.meetings) || [];
      for (var i = ms.length - 1; i >= 0; i--) if (ms[i].status !== "past") return ms[i];
      return null;
    },
    // With a rotating chair, the chair chosen at the last evaluation plans the next meeting.
    get isChair() {
      var nr = (this.v && this.v.next_roles) || dict();
      return !!this.v && this.v.group.rotating_chair && !!nr.chair && nr.chair === this.you.mid;
    },
    // All methods a meeting can use: the built-in library and the group's own.
    get allMethods() {
      var self = this;
      var lib = pageData().library || [];
      var own = (this.v && this.v.methods) || [];
      return lib
        .map(function (m) {
          return { id: m.id, name: self.tr(m.name), own: false, data: m };
        })
        .concat(
          own.map(function (m) {
            return { id: m.id, name: self.tr(m.name), own: true, data: m };
          })
        );
    },
  };
  return define.apply(null, [o].concat(Array.prototype.slice.call(arguments)));
}
