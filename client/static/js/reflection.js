/* The year's reflection page (/g/{group}/reflection): this member's own learning thread, from
 * POST /api/groups/{group}/reflection {token, format: "json"} with the member token the group page
 * keeps in this browser (core/storage.js groupMember). To read, print (the browser's print, or save
 * as PDF) and download as Markdown. Alpine.data('reflection'). */
import "./core/conn.js";
import { download } from "./core/dom.js";
import { kringI18n } from "./core/i18n.js";
import { fromJSON } from "./core/maps.js";
import { enums, pageData } from "./core/page.js";
import { groupMember } from "./core/storage.js";
import { component } from "./core/store.js";
import { longDate } from "./core/time.js";

var LV_LABELS = { text: "lvText", goals_short: "lvShort", goals_long: "lvLong", school: "lvSchool" };

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

function request(group, token, format) {
  return fetch("/api/groups/" + encodeURIComponent(group) + "/reflection", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: token, format: format }),
    credentials: "same-origin",
  });
}

function reflection() {
  var group = pageData().group || "";
  return {
    r: null,
    state: "loading", // loading | ready | denied | offline
    busy: false,
    error: "",
    get L() {
      return kringI18n.dict(this.$store.kring.lang);
    },
    get lang() {
      return this.$store.kring.lang;
    },
    f: function (key, vars) {
      return kringI18n.t(this.lang, key, vars);
    },
    init: function () {
      var self = this;
      var me = groupMember(group);
      if (!me) {
        this.state = "denied";
        return;
      }
      request(group, me.token, "json").then(
        function (res) {
          if (!res.ok) {
            self.state = res.status === 404 ? "denied" : "offline";
            return null;
          }
          return res.json().then(function (data) {
            self.r = fromJSON(data);
            self.state = "ready";
          });
        },
        function () {
          self.state = "offline";
        }
      );
    },
    get loading() {
      return this.state === "loading";
    },
    get ready() {
      return this.state === "ready";
    },
    get denied() {
      return this.state === "denied";
    },
    get offline() {
      return this.state === "offline";
    },
    get groupUrl() {
      return "/g/" + encodeURIComponent(group);
    },
    day: function (iso) {
      return iso ? longDate(iso, this.lang) : "?";
    },
    get title() {
      return this.r ? this.f("rflTitle", { group: this.r.group }) : this.L.rflHeading;
    },
    get byline() {
      return this.r ? this.f("rflBy", { name: this.r.member, date: this.day(this.r.date) }) : "";
    },
    get versions() {
      var self = this;
      var lv = this.r && this.r.leervraag;
      if (!lv) return [];
      return lv.versions.map(function (v) {
        return {
          v: v.v,
          head: self.f("lvVersion", { v: v.v, date: self.day(isoDay(v.at)) }),
          fields: Object.keys(LV_LABELS)
            .filter(function (k) {
              return !!v[k];
            })
            .map(function (k) {
              return { k: k, label: self.L[LV_LABELS[k]], text: v[k] };
            }),
        };
      });
    },
    get noVersions() {
      return this.versions.length === 0;
    },
    get lvShared() {
      var lv = this.r && this.r.leervraag;
      return lv ? (lv.shared ? this.L.lvSharedOn : this.L.lvSharedOff) : "";
    },
    get log() {
      var self = this;
      return ((this.r && this.r.log) || []).map(function (e, i) {
        return {
          i: i,
          head: (e.title ? e.title + " · " : "") + self.day(e.date),
          learned: e.learned || "",
          text: e.text || "",
          hasLearned: !!e.learned,
          hasText: !!e.text,
        };
      });
    },
    get noLog() {
      return this.log.length === 0;
    },
    get plans() {
      var self = this;
      var L = this.L;
      return ((this.r && this.r.plans) || []).map(function (p, i) {
        return {
          i: i,
          head: p.title + " · " + self.day(p.date),
          fields: enums()
            .plan_fields.filter(function (k) {
              return !!p.plan[k];
            })
            .map(function (k) {
              return { k: k, label: L["plan.field." + k], text: p.plan[k] };
            }),
          reports: p.reports.map(function (rep, j) {
            return { j: j, status: L["fuStatus_" + rep.status] || rep.status, text: rep.text };
          }),
        };
      });
    },
    get noPlans() {
      return this.plans.length === 0;
    },
    get cases() {
      var self = this;
      return ((this.r && this.r.cases) || []).map(function (c, i) {
        return {
          i: i,
          head: c.title + " · " + self.day(c.date),
          what: c.own ? self.L.rflOwnCase : self.f("rflContributions", { n: c.contributions }),
          question: c.question,
          hasQuestion: !!c.question,
        };
      });
    },
    get noCases() {
      return this.cases.length === 0;
    },
    num: function (x) {
      return String(x).replace(".", this.lang === "nl" ? "," : ".");
    },
    get hours() {
      var h = (this.r && this.r.hours) || { confirmed: 0, unconfirmed: 0 };
      var min = ((this.r && this.r.meetings) || []).reduce(function (sum, m) {
        return sum + (m.held && m.status === "present" ? m.minutes : 0);
      }, 0);
      return this.f("rflHours", { h: this.num(h.confirmed), m: min });
    },
    get hasUnconfirmed() {
      return !!(this.r && this.r.hours.unconfirmed);
    },
    get unconfirmed() {
      var h = this.r ? this.r.hours.unconfirmed : 0;
      return this.f("rflUnconfirmed", { h: this.num(h) });
    },
    get meetings() {
      var self = this;
      var L = this.L;
      return ((this.r && this.r.meetings) || []).map(function (m, i) {
        return {
          i: i,
          date: self.day(m.date),
          title: m.title,
          led: (m.led.join(", ") || "?") + (m.external ? " (" + L.rflBegeleider + ")" : ""),
          status: L["rflStatus_" + m.status] || m.status,
          cls: "rfl-status is-" + m.status,
          minutes: m.held ? self.f("rflMinutesN", { m: m.minutes }) : "–",
        };
      });
    },
    get noMeetings() {
      return this.meetings.length === 0;
    },
    printPage: function () {
      window.print();
    },
    downloadMd: function () {
      var self = this;
      var me = groupMember(group);
      if (!me || this.busy) return;
      this.busy = true;
      this.error = "";
      request(group, me.token, "md")
        .then(function (res) {
          if (!res.ok) throw new Error(String(res.status));
          return res.text();
        })
        .then(
          function (text) {
            self.busy = false;
            download("leerdraad.md", new Blob([text], { type: "text/markdown" }));
          },
          function () {
            self.busy = false;
            self.error = self.L.rflFailed;
          }
        );
    },
  };
}

component("reflection", reflection);
