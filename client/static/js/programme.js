/* The programme (traject) page: at /programme the form a begeleider or programme manager creates
 * one with (its groups, start and end, the meeting schedule, how many first meetings they lead);
 * at /p/{programme}#KEY the programme's figures per group (counts only, never content: POST
 * /api/programmes/{p}/view), each group's invitation link with a QR code, its meeting dates as a
 * calendar file, and the meetings the begeleider leads. Alpine.data('programmeNew'),
 * ('programmeView'). */
import "./core/conn.js";
import { copyText } from "./core/copy.js";
import { download, putSvg } from "./core/dom.js";
import { kringI18n } from "./core/i18n.js";
import { dict, fromJSON } from "./core/maps.js";
import { fragmentKey, limits, pageData } from "./core/page.js";
import { lsGet, lsSet } from "./core/storage.js";
import { component, define } from "./core/store.js";
import { longDate } from "./core/time.js";


var KEY_PREFIX = "kring:programme:";

function api(path, body) {
  return fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  }).then(
    function (r) {
      var json = (r.headers.get("content-type") || "").indexOf("application/json") >= 0;
      return (json ? r.json() : r.text()).then(function (data) {
        return { ok: r.ok, status: r.status, data: json ? fromJSON(data) : data };
      });
    },
    function () {
      return { ok: false, status: 0, data: null };
    }
  );
}

// What every part of the page shares: the strings in the page's language.
function strings() {
  return {
    get lang() {
      return this.$store.kring.lang;
    },
    get L() {
      return kringI18n.dict(this.lang);
    },
    f: function (key, vars) {
      return kringI18n.t(this.lang, key, vars);
    },
    day: function (iso) {
      return iso ? longDate(iso, this.lang) : "?";
    },
    // A refusal in the person's language: the server's English message is for API users.
    failText: function (r) {
      if (r.status === 403) return this.L.createDenied;
      if (r.status === 429) return this.L.createTooFast;
      if (r.status === 409) return this.L.prgHandedOver;
      if (r.status === 0 || r.status >= 500) return this.L.prgOffline;
      return this.L.prgInvalid;
    },
  };
}

function programmeNew() {
  return define(strings(), {
    name: "",
    chosenLang: null,
    start: "",
    end: "",
    everyWeeks: 4,
    leadFirst: 2,
    groupsText: "",
    createKey: "",
    busy: false,
    error: "",
    result: null,
    copied: "",
    get shown() {
      return !pageData().programme;
    },
    get keyRequired() {
      return !!pageData().create_key_required;
    },
    get newLang() {
      return this.chosenLang || this.lang;
    },
    get isNl() {
      return this.newLang === "nl";
    },
    get isEn() {
      return this.newLang === "en";
    },
    get notCreated() {
      return !this.result;
    },
    get created() {
      return !!this.result;
    },
    on: function (ev) {
      var k = ev.target.dataset.k;
      this.error = "";
      this[k] = ev.target.type === "number" ? parseInt(ev.target.value, 10) : ev.target.value;
    },
    onLang: function (ev) {
      this.chosenLang = ev.target.value;
    },
    get groupNames() {
      return this.groupsText
        .split("\n")
        .map(function (s) {
          return s.trim();
        })
        .filter(function (s) {
          return !!s;
        });
    },
    // Checked here first, so the person reads what is wrong in their language.
    get problem() {
      var n = this.groupNames;
      var most = limits().programme_groups;
      var long = limits().programme_name;
      if (!this.name.trim()) return this.L.prgNeedName;
      if (!this.start || !this.end || this.end < this.start) return this.L.prgNeedDates;
      if (!n.length || n.length > most) return this.f("prgNeedGroups", { n: most });
      var tooLong = n.some(function (s) {
        return s.length > long;
      });
      if (tooLong) return this.f("prgGroupTooLong", { n: long });
      return "";
    },
    get cannotCreate() {
      return this.busy;
    },
    get createLabel() {
      return this.busy ? this.L.creating : this.L.prgCreate;
    },
    get hasError() {
      return !!this.error;
    },
    create: function () {
      if (this.busy) return;
      this.error = this.problem;
      if (this.error) return;
      var self = this;
      var body = {
        name: this.name.trim(),
        lang: this.newLang,
        start: this.start,
        end: this.end,
        every_weeks: this.everyWeeks,
        lead_first: this.leadFirst,
        groups: this.groupNames,
      };
      if (this.keyRequired) body.create_key = this.createKey.trim();
      this.busy = true;
      api("/api/programmes", body).then(function (r) {
        self.busy = false;
        if (r.ok) self.result = r.data;
        else self.error = self.failText(r);
      });
    },
    get programmeUrl() {
      return this.result ? this.result.url : "";
    },
    get adminLinks() {
      return this.result
        ? this.result.groups.map(function (g) {
            return { group: g.group, name: g.name, url: g.admin_url, id: "adm-" + g.group };
          })
        : [];
    },
    selectAll: function (ev) {
      ev.target.select();
    },
    copy: function (ev) {
      var self = this;
      var id = ev.target.dataset.for;
      var input = document.getElementById(id);
      copyText(input.value, input, function (on) {
        self.copied = on ? id : "";
      });
    },
    copyLabel: function (id) {
      return this.copied === id ? this.L.copied : this.L.copy;
    },
  });
}

function programmeView() {
  var pid = pageData().programme || "";
  return define(strings(), {
    p: null,
    state: "loading", // loading | ready | denied | offline
    error: "",
    busy: "",
    copied: "",
    qrShown: dict(),
    get shown() {
      return !!pid;
    },
    init: function () {
      if (pid) this.load();
    },
    // The key: from the link's fragment the first time, then kept in this browser (the address
    // bar loses it, as the group page's does).
    get key() {
      var k = fragmentKey();
      if (k) {
        if (lsGet(KEY_PREFIX + pid) !== k) lsSet(KEY_PREFIX + pid, k);
        if (window.location.hash) window.history.replaceState(null, "", window.location.pathname);
        return k;
      }
      return lsGet(KEY_PREFIX + pid) || "";
    },
    load: function () {
      var self = this;
      if (!this.key) {
        this.state = "denied";
        return;
      }
      api("/api/programmes/" + encodeURIComponent(pid) + "/view", { key: this.key }).then(function (r) {
        if (r.ok) {
          self.p = r.data;
          self.state = "ready";
        } else self.state = r.status === 404 ? "denied" : "offline";
      });
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
    get hasError() {
      return !!this.error;
    },
    get title() {
      return this.p ? this.p.programme.name : this.L.prgTitle;
    },
    get summary() {
      if (!this.p) return "";
      var pr = this.p.programme;
      return this.f("prgSummary", {
        start: this.day(pr.start),
        end: this.day(pr.end),
        n: pr.schedule.length,
        weeks: pr.every_weeks,
        lead: pr.lead_first,
      });
    },
    get groups() {
      var self = this;
      var L = this.L;
      var pr = this.p ? this.p.programme : null;
      return ((this.p && this.p.groups) || []).map(function (g) {
        if (g.gone) return { group: g.group, name: g.name, gone: true, live: false };
        var leadLeft = pr.lead_first - g.led.length;
        return {
          group: g.group,
          name: g.name,
          gone: false,
          live: true,
          members: self.f("prgMembers", { n: g.members }),
          leervraag: self.f("prgLeervraag", { n: g.leervraag, m: g.members }),
          held: self.f("prgHeld", { n: g.held, m: pr.schedule.length }),
          attendance: g.attendance.of
            ? self.f("prgAttendance", { n: g.attendance.present, m: g.attendance.of })
            : L.prgNoAttendance,
          plans: self.f("prgPlans", { n: g.plans.made, d: g.plans.done }),
          meetings: g.meetings
            .filter(function (m) {
              return m.held;
            })
            .map(function (m, i) {
              return {
                i: i,
                text:
                  self.day(m.date) +
                  ": " +
                  self.f("prgOf", { n: m.present, m: m.of }) +
                  " · " +
                  (m.confirmed ? L.prgConfirmed : L.prgUnconfirmed) +
                  (m.external ? " · " + L.prgLedByBegeleider : ""),
              };
            }),
          noMeetings: g.held === 0,
          trend: g.trend.map(function (t, i) {
            return {
              i: i,
              text: self.f("prgTrendRow", {
                date: self.day(t.date),
                c: t.content === null ? "–" : t.content,
                p: t.process === null ? "–" : t.process,
              }),
            };
          }),
          noTrend: g.trend.length === 0,
          led: self.f("prgLed", { n: g.led.length, m: pr.lead_first }),
          ledMeetings: g.led.map(function (m) {
            return {
              room: m.room,
              label: self.f("prgOpenLed", { date: self.day(m.date) }),
              url: "/r/" + encodeURIComponent(m.room) + "#" + m.facilitator_key,
            };
          }),
          mayLead: leadLeft > 0,
          handedOver: leadLeft <= 0,
          joinUrl: g.join_url,
          joinId: "join-" + g.group,
          qrId: "qr-" + g.group,
          qrLabel: self.f("prgQrFor", { name: g.name }),
          qrButton: self.qrShown[g.group] ? L.qrHide : L.qrShow,
          qrOpen: !!self.qrShown[g.group],
          copyLabel: self.copied === g.group ? L.copied : L.copy,
          busy: self.busy === g.group,
        };
      });
    },
    selectAll: function (ev) {
      ev.target.select();
    },
    copyJoin: function (ev) {
      var self = this;
      var gid = ev.target.dataset.group;
      var input = document.getElementById("join-" + gid);
      copyText(input.value, input, function (on) {
        self.copied = on ? gid : "";
      });
    },
    toggleQr: function (ev) {
      var self = this;
      var gid = ev.target.dataset.group;
      this.qrShown[gid] = !this.qrShown[gid];
      var box = document.getElementById("qr-" + gid);
      if (!this.qrShown[gid]) {
        box.replaceChildren();
        return;
      }
      var name = ev.target.dataset.name;
      api("/api/programmes/" + encodeURIComponent(pid) + "/qr", { key: self.key, group: gid }).then(
        function (r) {
          if (r.ok && self.qrShown[gid]) putSvg(box, r.data, self.f("prgQrFor", { name: name }));
        }
      );
    },
    calendar: function (ev) {
      var self = this;
      var gid = ev.target.dataset.group;
      api("/api/programmes/" + encodeURIComponent(pid) + "/ics", { key: self.key, group: gid }).then(
        function (r) {
          if (!r.ok) self.error = self.failText(r);
          else download("intervisie.ics", new Blob([r.data], { type: "text/calendar" }));
        }
      );
    },
    lead: function (ev) {
      var self = this;
      var gid = ev.target.dataset.group;
      if (this.busy) return;
      this.busy = gid;
      this.error = "";
      api("/api/programmes/" + encodeURIComponent(pid) + "/lead", { key: self.key, group: gid }).then(
        function (r) {
          self.busy = "";
          if (!r.ok) self.error = self.failText(r);
          self.load();
        }
      );
    },
  });
}

component("programmeNew", programmeNew);
component("programmeView", programmeView);
