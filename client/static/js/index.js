/* Kring start page: the method library (filterable), creating a meeting (POST /api/rooms) and
 * creating an intervisie group (POST /api/groups). An instance with KRING_CREATE_KEY asks for its
 * creation key (page data create_key_required; server/creation.py): both forms then have a field
 * for it and send it as `create_key`. Alpine.data('start'), ('groupStart'). */
import "./core/conn.js";
import { copyText } from "./core/copy.js";
import { kringI18n } from "./core/i18n.js";
import { enums, pageData } from "./core/page.js";
import { component, define, store } from "./core/store.js";

function L(store) {
  return kringI18n.dict(store.lang);
}

// Copy a link to the clipboard (or select it for Ctrl+C) and say "Copied" on its button.
function copyInto(self, which, text, id) {
  copyText(text, document.getElementById(id), function (on) {
    self.copiedWhich = on ? which : "";
  });
}

// Why creating failed, in the person's language: a refused or missing creation key (403), too
// many creations in a short time (429), or the server's own words.
function createError(K, status, message) {
  if (status === 403) return K.t("createDenied");
  if (status === 429) return K.t("createTooFast");
  return K.t("createFailed", { msg: message });
}

// What the meeting form and the group form share: the language of what is created, the creation
// key where one is needed, the POST with its busy state, error and result, and copying the links
// in the result.
function creator(url) {
  return {
    chosenLang: null,
    busy: false,
    error: "",
    result: null,
    copiedWhich: "",
    get lang() {
      return this.chosenLang || this.$store.kring.lang;
    },
    get isNl() {
      return this.lang === "nl";
    },
    get isEn() {
      return this.lang === "en";
    },
    onLang: function (ev) {
      this.chosenLang = ev.target.value;
    },
    get keyRequired() {
      return !!pageData().create_key_required;
    },
    // One key for both forms: typed once, kept for this page only.
    get createKey() {
      return this.$store.creation.key;
    },
    onCreateKey: function (ev) {
      this.$store.creation.key = ev.target.value;
    },
    get hasError() {
      return !!this.error;
    },
    get created() {
      return !!this.result;
    },
    get notCreated() {
      return !this.result;
    },
    selectAll: function (ev) {
      ev.target.select();
    },
    copy: function (which, text, id) {
      copyInto(this, which, text, id);
    },
    submit: function (body) {
      if (this.busy) return;
      var self = this;
      this.busy = true;
      this.error = "";
      if (this.keyRequired) body.create_key = this.createKey.trim();
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      })
        .then(function (r) {
          return r.json().then(
            function (data) {
              if (!r.ok) throw { status: r.status, message: data.message || String(r.status) };
              return data;
            },
            function () {
              throw { status: r.status, message: String(r.status) };
            }
          );
        })
        .then(function (data) {
          self.result = data;
        })
        .catch(function (e) {
          self.error = createError(self.$store.kring, e.status, e.message || String(e));
        })
        .then(function () {
          self.busy = false;
        });
    },
  };
}

function start() {
  return define(creator("/api/rooms"), {
    level: "all",
    kind: "all",
    chosen: "basis",
    title: "",

    get L() {
      return L(this.$store.kring);
    },
    get all() {
      return pageData().methods || [];
    },
    f: function (key, vars) {
      return this.$store.kring.t(key, vars);
    },
    get levelOptions() {
      var self = this;
      return ["all"].concat(enums().levels).map(function (v) {
        return {
          v: v,
          label: v === "all" ? self.L.filterAll : self.L["level_" + v],
          pressed: self.level === v ? "true" : "false",
        };
      });
    },
    get kindOptions() {
      var self = this;
      return ["all"].concat(enums().kinds).map(function (v) {
        return {
          v: v,
          label: v === "all" ? self.L.filterAll : self.L["kind_" + v],
          pressed: self.kind === v ? "true" : "false",
        };
      });
    },
    setLevel: function (v) {
      this.level = v;
    },
    setKind: function (v) {
      this.kind = v;
    },
    get methods() {
      var self = this;
      var K = this.$store.kring;
      var T = this.L;
      return this.all
        .filter(function (m) {
          return (self.level === "all" || m.level === self.level) && (self.kind === "all" || m.kind === self.kind);
        })
        .map(function (m) {
          var on = m.id === self.chosen;
          return {
            id: m.id,
            name: K.tr(m.name),
            level: T["level_" + m.level] || m.level,
            levelCls: "tag tag-" + m.level,
            kind: T["kind_" + m.kind] || m.kind,
            minutes: self.f("totalMin", { n: m.minutes }),
            phaseCount: self.f("phasesCount", { n: m.phases.length }),
            purpose: K.tr(m.purpose),
            summary: K.tr(m.summary),
            phases: m.phases.map(function (p) {
              return { id: p.id, title: K.tr(p.title), minutes: self.f("minShort", { n: p.minutes }) };
            }),
            cls: "method" + (on ? " is-chosen" : ""),
            btnCls: on ? "btn-primary" : "",
            pressed: on ? "true" : "false",
            chooseText: on ? T.chosen : T.chooseMethod,
            chooseAria: (on ? T.chosen : T.chooseMethod) + ": " + K.tr(m.name),
          };
        });
    },
    get countText() {
      return "(" + this.f("methodCount", { n: this.methods.length }) + ")";
    },
    get none() {
      return this.methods.length === 0;
    },
    choose: function (id) {
      this.chosen = id;
      var el = document.getElementById("room-title");
      if (el && window.matchMedia("(max-width: 900px)").matches) el.focus();
    },
    get chosenMethod() {
      var id = this.chosen;
      return (
        this.all.filter(function (m) {
          return m.id === id;
        })[0] || null
      );
    },
    get chosenName() {
      return this.chosenMethod ? this.$store.kring.tr(this.chosenMethod.name) : "";
    },
    get chosenMinutes() {
      return this.chosenMethod ? "(" + this.f("totalMin", { n: this.chosenMethod.minutes }) + ")" : "";
    },
    onTitle: function (ev) {
      this.title = ev.target.value;
    },
    get createLabel() {
      return this.busy ? this.L.creating : this.L.createButton;
    },
    create: function () {
      this.submit({ method: this.chosen, title: this.title.trim(), lang: this.lang });
    },
    // Build the links from this page's origin (the API's own URLs may name an internal host).
    get joinUrl() {
      var r = this.result;
      return r ? window.location.origin + "/r/" + r.room + "#" + r.join_key : "";
    },
    get facUrl() {
      var r = this.result;
      return r ? window.location.origin + "/r/" + r.room + "#" + r.facilitator_key : "";
    },
    get joinCopy() {
      return this.copiedWhich === "join" ? this.L.copied : this.L.copy;
    },
    get facCopy() {
      return this.copiedWhich === "fac" ? this.L.copied : this.L.copy;
    },
    copyJoin: function () {
      this.copy("join", this.joinUrl, "join-url");
    },
    copyFac: function () {
      this.copy("fac", this.facUrl, "fac-url");
    },
    reset: function () {
      this.result = null;
      this.title = "";
    },
  });
}

// A new intervisie group (POST /api/groups): its invite link to share, and the group page to
// open as its facilitator (client/static/js/group.js).
function groupStart() {
  return define(creator("/api/groups"), {
    name: "",
    get L() {
      return L(this.$store.kring);
    },
    onName: function (ev) {
      this.name = ev.target.value;
    },
    get cannotCreate() {
      return this.busy || !this.name.trim();
    },
    get createLabel() {
      return this.busy ? this.L.creating : this.L.grpCreate;
    },
    create: function () {
      if (!this.cannotCreate) this.submit({ name: this.name.trim(), lang: this.lang });
    },
    get groupName() {
      return this.result ? this.name.trim() : "";
    },
    // Built from this page's origin, like the room links above.
    get joinUrl() {
      var r = this.result;
      return r ? window.location.origin + "/g/" + r.group + "#" + r.join_key : "";
    },
    get adminUrl() {
      var r = this.result;
      return r ? window.location.origin + "/g/" + r.group + "#" + r.admin_key : "";
    },
    get joinCopy() {
      return this.copiedWhich === "join" ? this.L.copied : this.L.copy;
    },
    get adminCopy() {
      return this.copiedWhich === "admin" ? this.L.copied : this.L.copy;
    },
    copyJoin: function () {
      this.copy("join", this.joinUrl, "group-join-url");
    },
    copyAdmin: function () {
      this.copy("admin", this.adminUrl, "group-admin-url");
    },
    reset: function () {
      this.result = null;
      this.name = "";
    },
  });
}

store("creation", { key: "" });
component("start", start);
component("groupStart", groupStart);
