/* Kring start page: the method library (filterable) and creating a meeting (POST /api/rooms). */
(function () {
  "use strict";

  function L(store) {
    return window.kringI18n.dict(store.lang);
  }

  function start() {
    return {
      level: "all",
      kind: "all",
      chosen: "basis",
      title: "",
      roomLang: null,
      busy: false,
      error: "",
      result: null,
      copiedWhich: "",

      get L() {
        return L(this.$store.kring);
      },
      get all() {
        return window.kringData().methods || [];
      },
      f: function (key, vars) {
        return this.$store.kring.t(key, vars);
      },
      get levelOptions() {
        var self = this;
        return ["all", "beginner", "experienced"].map(function (v) {
          return {
            v: v,
            label: v === "all" ? self.L.filterAll : self.L["level_" + v],
            pressed: self.level === v ? "true" : "false",
          };
        });
      },
      get kindOptions() {
        var self = this;
        return ["all", "problem", "appreciative"].map(function (v) {
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
      get lang() {
        return this.roomLang || this.$store.kring.lang;
      },
      get isNl() {
        return this.lang === "nl";
      },
      get isEn() {
        return this.lang === "en";
      },
      onLang: function (ev) {
        this.roomLang = ev.target.value;
      },
      get hasError() {
        return !!this.error;
      },
      get createLabel() {
        return this.busy ? this.L.creating : this.L.createButton;
      },
      create: function () {
        if (this.busy) return;
        var self = this;
        this.busy = true;
        this.error = "";
        fetch("/api/rooms", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ method: this.chosen, title: this.title.trim(), lang: this.lang }),
        })
          .then(function (r) {
            return r.json().then(function (body) {
              if (!r.ok) throw new Error(body.message || r.status);
              return body;
            });
          })
          .then(function (body) {
            self.result = body;
          })
          .catch(function (e) {
            self.error = self.f("createFailed", { msg: e.message || String(e) });
          })
          .then(function () {
            self.busy = false;
          });
      },
      get created() {
        return !!this.result;
      },
      get notCreated() {
        return !this.result;
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
      selectAll: function (ev) {
        ev.target.select();
      },
      copy: function (which, text, id) {
        var self = this;
        var input = document.getElementById(id);
        var done = function () {
          self.copiedWhich = which;
          window.setTimeout(function () {
            self.copiedWhich = "";
          }, 2000);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () {
            input.select();
            document.execCommand("copy");
            done();
          });
        } else {
          input.select();
          document.execCommand("copy");
          done();
        }
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
    };
  }

  document.addEventListener("alpine:init", function () {
    window.Alpine.data("start", start);
  });
})();
