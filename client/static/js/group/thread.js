/* The learning thread of a member (docs/protocol.md, group API): their persoonlijke leervraag, a
 * guided form after the questions of the start meeting (what do I want to learn; short- and
 * long-term goals; how they relate to my school's goals), private until shared, every version kept;
 * and their private learning log, an entry per held meeting, starting from what they learned in
 * its evaluation. Alpine.data('groupLeervraag') and Alpine.data('groupLog'). */
import { download } from "../core/dom.js";
import { dict } from "../core/maps.js";
import { component } from "../core/store.js";
import { groupId } from "./api.js";
import { base } from "./base.js";

export var LV_FIELDS = ["text", "goals_short", "goals_long", "school"];
var LV_LABELS = { text: "lvText", goals_short: "lvShort", goals_long: "lvLong", school: "lvSchool" };

function isoDay(ms) {
  var d = new Date(ms);
  var p = function (n) {
    return (n < 10 ? "0" : "") + n;
  };
  return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate());
}

function groupLeervraag() {
  return base({
    draft: dict(),
    busy: false,
    error: "",
    editing: false,
    get own() {
      return (this.v && this.v.leervraag) || null;
    },
    get hasOwn() {
      return !!this.own && this.own.versions.length > 0;
    },
    get latest() {
      return this.hasOwn ? this.own.versions[this.own.versions.length - 1] : dict();
    },
    get showForm() {
      return this.ready && (this.editing || !this.hasOwn);
    },
    get showLatest() {
      return this.hasOwn && !this.editing;
    },
    get isShared() {
      return !!this.own && !!this.own.shared;
    },
    get sharedText() {
      return this.isShared ? this.L.lvSharedOn : this.L.lvSharedOff;
    },
    get fields() {
      var self = this;
      return LV_FIELDS.map(function (k) {
        var v = k in self.draft ? self.draft[k] : self.latest[k] || "";
        return { k: k, id: "lv-" + k, label: self.L[LV_LABELS[k]], value: v, shown: self.latest[k] || "" };
      });
    },
    get latestFields() {
      return this.fields.filter(function (f) {
        return !!f.shown;
      });
    },
    get versions() {
      var self = this;
      if (!this.hasOwn) return [];
      return this.own.versions
        .slice()
        .reverse()
        .map(function (v) {
          return { v: v.v, head: self.f("lvVersion", { v: v.v, date: self.date(isoDay(v.at)) }), text: v.text };
        });
    },
    get hasHistory() {
      return this.hasOwn && this.own.versions.length > 1;
    },
    get others() {
      var self = this;
      var lv = (this.v && this.v.leervragen) || dict();
      return Object.keys(lv).map(function (mid) {
        return { mid: mid, name: self.memberName(mid), text: lv[mid].text };
      });
    },
    get hasOthers() {
      return this.others.length > 0;
    },
    get hasError() {
      return !!this.error;
    },
    onField: function (ev) {
      this.draft[ev.target.dataset.k] = ev.target.value;
    },
    edit: function () {
      this.draft = dict();
      this.editing = true;
    },
    cancel: function () {
      this.draft = dict();
      this.editing = false;
    },
    get cannotSave() {
      var t = "text" in this.draft ? this.draft.text : this.latest.text || "";
      return this.busy || !t.trim();
    },
    save: function () {
      if (this.cannotSave) return;
      var self = this;
      var args = {};
      this.fields.forEach(function (f) {
        args[f.k] = f.value;
      });
      this.busy = true;
      this.error = "";
      this.G.cmd("leervraag.set", args).then(function (r) {
        self.busy = false;
        if (!r.ok) {
          self.error = self.errText(r);
          return;
        }
        self.draft = dict();
        self.editing = false;
      });
    },
    toggleShare: function () {
      var self = this;
      this.G.cmd("leervraag.share", { shared: !this.isShared }).then(function (r) {
        if (!r.ok) self.error = self.errText(r);
      });
    },
  });
}

function groupLog() {
  return base({
    drafts: dict(),
    error: "",
    busy: false,
    get entries() {
      var self = this;
      var titles = dict();
      ((this.v && this.v.meetings) || []).forEach(function (m) {
        titles[m.room] = m.title;
      });
      return ((this.v && this.v.log) || [])
        .slice()
        .reverse()
        .map(function (e, i) {
          return {
            i: i,
            head: (titles[e.room] || "") + " · " + self.date(isoDay(e.at)),
            learned: e.learned || "",
            text: e.text || "",
            hasLearned: !!e.learned,
          };
        });
    },
    get hasEntries() {
      return this.entries.length > 0;
    },
    get noEntries() {
      return !this.hasEntries;
    },
    // Held meetings this member has no entry for yet, pre-filled with what they learned.
    get open() {
      var self = this;
      var done = dict();
      ((this.v && this.v.log) || []).forEach(function (e) {
        done[e.room] = true;
      });
      return ((this.v && this.v.meetings) || [])
        .filter(function (m) {
          return m.status === "past" && !done[m.room] && m.token;
        })
        .map(function (m) {
          var d = self.drafts[m.room] || dict();
          return {
            room: m.room,
            title: m.title + (m.date ? " · " + self.date(m.date) : ""),
            learned: "learned" in d ? d.learned : m.learned || "",
            text: d.text || "",
            idL: "log-l-" + m.room,
            idT: "log-t-" + m.room,
          };
        });
    },
    get hasOpen() {
      return this.open.length > 0;
    },
    get hasError() {
      return !!this.error;
    },
    onInput: function (ev) {
      var room = ev.target.dataset.room;
      var d = this.drafts[room] || dict();
      d[ev.target.dataset.k] = ev.target.value;
      this.drafts[room] = d;
    },
    // The year's reflection: a page to read and print, and the Markdown file (POST /reflection).
    get reflectionUrl() {
      return "/g/" + encodeURIComponent(groupId()) + "/reflection";
    },
    download: function () {
      var self = this;
      this.G.send("/reflection", {}).then(function (r) {
        if (!r.ok) self.error = self.errText(r);
        else download("leerdraad.md", new Blob([r.data], { type: "text/markdown" }));
      });
    },
    add: function (room) {
      var o = this.open.filter(function (x) {
        return x.room === room;
      })[0];
      if (!o || this.busy || (!o.learned.trim() && !o.text.trim())) return;
      var self = this;
      this.busy = true;
      this.error = "";
      this.G.cmd("log.add", { room: room, learned: o.learned, text: o.text }).then(function (r) {
        self.busy = false;
        if (!r.ok) self.error = self.errText(r);
        else delete self.drafts[room];
      });
    },
  });
}

component("groupLeervraag", groupLeervraag);
component("groupLog", groupLog);
