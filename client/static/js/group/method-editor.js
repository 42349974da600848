/* Custom methods: copy one into the form, edit, save through the loader's schema, TOML in and out,
 * and the group's own methods. Alpine.data('methodEditor'). */
import { download, focusWhenShown } from "../core/dom.js";
import { kringI18n } from "../core/i18n.js";
import { dict } from "../core/maps.js";
import { limits, pageData } from "../core/page.js";
import { component } from "../core/store.js";
import { BASIC, schema } from "./api.js";
import { base } from "./base.js";
import { labelsText, locate, methodData, phaseDraft, problemText, setPath } from "./method-form.js";

function methodEditor() {
  return base({
    source: "b:" + BASIC,
    draft: null,
    original: "",
    error: "", // the server's English message, shown as it is
    problem: null, // its {code, path, params}
    saved: "",
    busy: false,
    importText: "",
    importError: "",
    importProblem: null,
    importDone: "",
    listError: "",
    get visible() {
      return this.ready && this.isAdmin;
    },
    get sourceOptions() {
      var sel = this.source;
      var L = this.L;
      return this.allMethods.map(function (m) {
        var v = (m.own ? "g:" : "b:") + m.id;
        return { v: v, label: m.name + (m.own ? " — " + L.grpOwnMethod : ""), sel: v === sel };
      });
    },
    onSource: function (ev) {
      this.source = ev.target.value;
    },
    get sourceMethod() {
      var own = this.source.slice(0, 2) === "g:";
      var id = this.source.slice(2);
      return (
        this.allMethods.filter(function (m) {
          return m.own === own && m.id === id;
        })[0] || null
      );
    },
    freeId: function (id) {
      var taken = dict();
      this.allMethods.forEach(function (m) {
        taken[m.id] = true;
      });
      // Room for "-<n>" within the id's length.
      var base_ = (id + "-eigen").slice(0, limits().method_id - 6);
      var out = base_;
      for (var n = 2; taken[out]; n++) out = base_ + "-" + n;
      return out;
    },
    copy: function () {
      var m = this.sourceMethod;
      if (!m) return;
      var self = this;
      var I = kringI18n;
      // A copy of a built-in method is named "(eigen versie)" / "(own version)" in each of its
      // languages, so it needs every catalog.
      Promise.all(I.langs.map(I.load)).then(
        function () {
          self.copyNow(m);
        },
        function () {
          self.error = self.L.err_unavailable;
          self.problem = null;
        }
      );
    },
    copyNow: function (m) {
      var I = kringI18n;
      var d = JSON.parse(JSON.stringify(m.data));
      var name = d.name;
      if (!m.own) {
        name = {};
        I.langs.forEach(function (l) {
          name[l] = d.name[l] + " (" + I.t(l, "grpOwnSuffix") + ")";
        });
      }
      this.draft = {
        id: m.own ? d.id : this.freeId(d.id),
        name: name,
        summary: d.summary,
        purpose: d.purpose,
        level: d.level,
        kind: d.kind,
        roles: d.roles || ["facilitator"],
        rules: d.rules || [],
        source: d.source || "",
        labels: labelsText(d.labels),
        facilitator_writes: d.facilitator_writes !== false,
        phases: (d.phases || []).map(phaseDraft),
      };
      this.original = m.name;
      this.error = "";
      this.problem = null;
      this.saved = "";
      focusWhenShown("me-id");
    },
    get editing() {
      return !!this.draft;
    },
    get notEditing() {
      return !this.draft;
    },
    get copiedFrom() {
      return this.draft ? this.f("grpCopiedFrom", { name: this.original }) : "";
    },
    close: function () {
      this.draft = null;
      this.error = "";
      this.problem = null;
    },
    // top-level fields: <input data-path="name.nl">
    onField: function (ev) {
      if (this.draft) setPath(this.draft, ev.target.getAttribute("data-path"), ev.target.value);
    },
    get d() {
      return this.draft || { id: "", name: { nl: "", en: "" }, level: "", kind: "", phases: [] };
    },
    get levelOptions() {
      var L = this.L;
      var cur = this.d.level;
      return schema().levels.map(function (v) {
        return { v: v, label: L["level_" + v] || v, sel: v === cur };
      });
    },
    get kindOptions() {
      var L = this.L;
      var cur = this.d.kind;
      return schema().kinds.map(function (v) {
        return { v: v, label: L["kind_" + v] || v, sel: v === cur };
      });
    },
    get basicPhases() {
      var self = this;
      var lib = pageData().library || [];
      var basic = lib.filter(function (m) {
        return m.id === BASIC;
      })[0];
      return ((basic && basic.phases) || []).map(function (p) {
        return { id: p.id, title: self.tr(p.title) };
      });
    },
    phaseIndex: function (id) {
      var ps = this.draft ? this.draft.phases : [];
      for (var i = 0; i < ps.length; i++) if (ps[i].uid === id) return i;
      return -1;
    },
    get phases() {
      var self = this;
      var L = this.L;
      var S = schema();
      var ps = this.d.phases;
      var basic = this.basicPhases;
      return ps.map(function (p, i) {
        var n = i + 1;
        var name = p.title.nl || p.id || "";
        // The schema's lists as checkbox groups: which tools, card kinds and writers.
        var checks = [
          ["tools", "tools", "grpTools", "tool_"],
          ["show", "show", "grpShow", "tool_"],
          ["cards", "card_kinds", "grpCardKinds", "kind_"],
          ["writers", "writers", "grpWriters", "writer_"],
          ["hints", "hints", "grpHints", "hintShort_"],
        ].map(function (c) {
          return {
            list: c[0],
            legend: L[c[2]],
            boxes: S[c[1]].map(function (v) {
              return { v: v, id: p.uid + "-" + c[0] + "-" + v, label: L[c[3] + v] || v, checked: p[c[0]].indexOf(v) >= 0 };
            }),
          };
        });
        return {
          uid: p.uid,
          n: n,
          legend: self.f("grpPhaseN", { n: n }) + (name ? ": " + name : ""),
          ids: {
            id: p.uid + "-id",
            min: p.uid + "-min",
            tnl: p.uid + "-tnl",
            ten: p.uid + "-ten",
            inl: p.uid + "-inl",
            ien: p.uid + "-ien",
            priv: p.uid + "-priv",
            rate: p.uid + "-rate",
            planform: p.uid + "-planform",
            pp: p.uid + "-pp",
            listens: p.uid + "-listens",
            outcomes: p.uid + "-outcomes",
            fb: p.uid + "-fb",
            order: p.uid + "-order",
            up: p.uid + "-up",
            down: p.uid + "-down",
          },
          id: p.id,
          minutes: p.minutes,
          titleNl: p.title.nl,
          titleEn: p.title.en,
          instrNl: p.instructions.nl,
          instrEn: p.instructions.en,
          private: p.private,
          rate: p.rate,
          planForms: S.plan_forms.map(function (v) {
            return { v: v, label: L["planForm_" + v] || v, sel: v === p.plan };
          }),
          order: p.order,
          perPerson: p.per_person,
          listens: p.inbrenger_listens,
          outcomes: p.outcomes,
          checks: checks,
          fallbacks: basic
            .map(function (b) {
              return { v: b.id, label: b.id + " — " + b.title, sel: b.id === p.fallback };
            })
            .concat(
              basic.some(function (b) {
                return b.id === p.fallback;
              })
                ? []
                : [{ v: p.fallback, label: p.fallback || "—", sel: true }]
            ),
          isFirst: i === 0,
          isLast: i === ps.length - 1,
          upLabel: self.f("grpPhaseUp", { n: n }),
          downLabel: self.f("grpPhaseDown", { n: n }),
          removeLabel: self.f("grpPhaseRemove", { n: n }),
        };
      });
    },
    get totalText() {
      var sum = 0;
      this.d.phases.forEach(function (p) {
        sum += parseInt(p.minutes, 10) || 0;
      });
      return this.f("grpTotal", { n: this.d.phases.length, m: sum });
    },
    // phase fields: <input data-uid="p3" data-path="title.nl">
    onPhaseField: function (ev) {
      var i = this.phaseIndex(ev.target.getAttribute("data-uid"));
      if (i >= 0) setPath(this.draft.phases[i], ev.target.getAttribute("data-path"), ev.target.value);
    },
    // a phase's true/false keys: <input type="checkbox" data-uid="p3" data-path="private">
    onFlag: function (ev) {
      var i = this.phaseIndex(ev.target.getAttribute("data-uid"));
      if (i >= 0) this.draft.phases[i][ev.target.getAttribute("data-path")] = ev.target.checked;
    },
    onListens: function (ev) {
      var i = this.phaseIndex(ev.target.getAttribute("data-uid"));
      if (i >= 0) this.draft.phases[i].inbrenger_listens = ev.target.checked;
    },
    onFacWrites: function (ev) {
      if (this.draft) this.draft.facilitator_writes = ev.target.checked;
    },
    // checkboxes: <input type="checkbox" data-uid="p3" data-list="tools" value="mindmap">
    onCheck: function (ev) {
      var i = this.phaseIndex(ev.target.getAttribute("data-uid"));
      if (i < 0) return;
      var list = ev.target.getAttribute("data-list");
      var v = ev.target.value;
      var cur = this.draft.phases[i][list].filter(function (x) {
        return x !== v;
      });
      if (ev.target.checked) {
        // Keep the schema's order, so a saved method reads the same as a written one.
        var order = schema()[list === "cards" ? "card_kinds" : list];
        cur.push(v);
        cur.sort(function (a, b) {
          return order.indexOf(a) - order.indexOf(b);
        });
      }
      this.draft.phases[i][list] = cur;
    },
    move: function (id, delta) {
      var i = this.phaseIndex(id);
      var j = i + delta;
      var ps = this.draft.phases;
      if (i < 0 || j < 0 || j >= ps.length) return;
      var p = ps.splice(i, 1)[0];
      ps.splice(j, 0, p);
      // Keep the keyboard where it was: on the same button of the moved phase, or on its
      // other arrow when this one is now at the end.
      this.$nextTick(function () {
        var edge = delta < 0 ? j === 0 : j === ps.length - 1;
        var target = document.getElementById(id + (edge ? (delta < 0 ? "-down" : "-up") : delta < 0 ? "-up" : "-down"));
        if (target) target.focus();
      });
    },
    up: function (id) {
      this.move(id, -1);
    },
    down: function (id) {
      this.move(id, 1);
    },
    removePhase: function (id) {
      var i = this.phaseIndex(id);
      if (i < 0) return;
      var p = this.draft.phases[i];
      if (!window.confirm(this.f("grpConfirmRemovePhase", { name: p.title.nl || p.id || i + 1 }))) return;
      this.draft.phases.splice(i, 1);
      var next = this.draft.phases[Math.min(i, this.draft.phases.length - 1)];
      this.$nextTick(function () {
        var e = document.getElementById(next ? next.uid + "-id" : "me-add-phase");
        if (e) e.focus();
      });
    },
    addPhase: function () {
      var basic = this.basicPhases;
      var p = phaseDraft({
        id: "",
        minutes: 10,
        tools: ["text"],
        writers: ["all"],
        fallback: basic.length ? basic[basic.length - 1].id : "",
      });
      this.draft.phases.push(p);
      this.$nextTick(function () {
        var e = document.getElementById(p.uid + "-id");
        if (e) e.focus();
      });
    },
    get hasError() {
      return !!this.error;
    },
    get where() {
      return locate(this.problem, this.d.phases, this.L, this.K.lang);
    },
    get problemText() {
      return problemText(this.problem, this.where, this.K);
    },
    get importProblemText() {
      return problemText(this.importProblem, null, this.K);
    },
    get hasWhere() {
      return !!this.where;
    },
    get whereText() {
      return this.where ? this.f("grpErrorWhere", { where: this.where.text }) : "";
    },
    goToError: function () {
      var w = this.where;
      var e = w && document.getElementById(w.target);
      if (e) e.focus();
    },
    get hasSaved() {
      return !!this.saved;
    },
    save: function () {
      if (!this.draft || this.busy) return;
      var self = this;
      var data = methodData(this.draft);
      this.busy = true;
      this.error = "";
      this.problem = null;
      this.saved = "";
      this.G.cmd("method.save", { method: data }).then(function (r) {
        self.busy = false;
        if (!r.ok) {
          // The loader's own message, verbatim, and what it says in this page's language.
          self.error = (r.data && r.data.message) || self.errText(r);
          self.problem = (r.data && r.data.method_error) || null;
          focusWhenShown("me-error");
          return;
        }
        self.saved = self.f("grpMethodSaved", { name: self.tr(data.name) });
        self.original = self.tr(data.name);
        self.source = "g:" + data.id;
      });
    },
    // the group's own methods
    get own() {
      var self = this;
      return ((this.v && this.v.methods) || []).map(function (m) {
        var minutes = 0;
        m.phases.forEach(function (p) {
          minutes += p.minutes;
        });
        return {
          id: m.id,
          name: self.tr(m.name),
          meta: m.id + " · " + self.f("phasesCount", { n: m.phases.length }) + " · " + self.f("totalMin", { n: minutes }),
          editLabel: self.L.edit + ": " + self.tr(m.name),
          exportLabel: self.L.grpExport + ": " + self.tr(m.name),
          removeLabel: self.L.remove + ": " + self.tr(m.name),
        };
      });
    },
    get hasOwn() {
      return this.own.length > 0;
    },
    get noOwn() {
      return this.own.length === 0;
    },
    get hasListError() {
      return !!this.listError;
    },
    edit: function (id) {
      this.source = "g:" + id;
      this.copy();
    },
    exportId: function (id) {
      var self = this;
      this.listError = "";
      this.G.send("/methods/export", { id: id }).then(function (r) {
        if (!r.ok) {
          self.listError = self.errText(r);
          return;
        }
        var text = typeof r.data === "string" ? r.data : JSON.stringify(r.data);
        download(id + ".toml", new Blob([text], { type: "application/toml;charset=utf-8" }));
      });
    },
    exportSource: function () {
      var m = this.sourceMethod;
      if (m) this.exportId(m.id);
    },
    removeOwn: function (id) {
      var self = this;
      if (!window.confirm(this.f("grpConfirmRemoveMethod", { id: id }))) return;
      this.G.cmd("method.remove", { id: id }).then(function (r) {
        if (!r.ok) self.listError = self.errText(r);
      });
    },
    // import
    onImportText: function (ev) {
      this.importText = ev.target.value;
    },
    onFile: function (ev) {
      var self = this;
      var file = ev.target.files && ev.target.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () {
        self.importText = String(reader.result || "");
      };
      reader.readAsText(file);
    },
    get cannotImport() {
      return this.busy || !this.importText.trim();
    },
    get hasImportError() {
      return !!this.importError;
    },
    get hasImportDone() {
      return !!this.importDone;
    },
    importToml: function () {
      if (this.cannotImport) return;
      var self = this;
      this.busy = true;
      this.importError = "";
      this.importProblem = null;
      this.importDone = "";
      this.G.send("/methods/import", { toml: this.importText }).then(function (r) {
        self.busy = false;
        if (!r.ok) {
          self.importError = (r.data && r.data.message) || self.errText(r);
          self.importProblem = (r.data && r.data.method_error) || null;
          return;
        }
        self.importDone = self.f("grpMethodSaved", { name: self.tr(r.data.method.name) });
        self.importText = "";
        self.G.load();
      });
    },
  });
}

component("methodEditor", methodEditor);
