/* Kring group page /g/{group}#KEY: an intervisie group over time (server/groups.py, HTTP API in
 * server/group_views.py, docs/protocol.md "Groups").
 *
 * A member joins once with the key from the fragment and a name; the member token is kept in
 * localStorage under "kring:group:" + group as {token, mid} and reused, so later visits need no key.
 * Keys and tokens travel in JSON bodies, never in URLs. Everything shown comes from POST /view
 * (Alpine.store('group').view), reloaded after each command, when the tab comes back and every
 * 20 seconds. Components: groupPage (join and frame), groupMeetings, groupWerkvraag, groupPlans,
 * groupTrend, groupMembers, groupAdmin, groupNewMeeting, methodEditor.
 * Markup: client/templates/group.html. Strings: the catalogs client/i18n/<lang>.json (i18n.js).
 *
 * Longer than 600 lines on purpose for now: the group page's components (the method editor is
 * the largest) share the store and helpers through this one closure, because the page loads
 * classic scripts without a build step; splitting it belongs to the move to ES modules. */
(function () {
  "use strict";

  // The method schema, mirrored from server/methods.py (TOOLS, CARD_KINDS, WRITERS, LEVELS,
  // KINDS); the page data's `schema` wins when the server sends one. The browser test checks
  // that the two agree.
  var SCHEMA = {
    tools: ["text", "questions", "advice", "mindmap", "forcefield", "notes", "vote", "plan", "rounds", "evaluation"],
    card_kinds: [
      "question",
      "advice",
      "position",
      "reflection",
      "observation",
      "association",
      "judgement",
      "reformulation",
      "alternative",
      "idea",
      "value",
      "success",
      "statement",
    ],
    writers: ["all", "participants", "inbrenger", "listeners", "coach", "facilitator", "timekeeper"],
    levels: ["beginner", "experienced"],
    kinds: ["problem", "appreciative"],
  };
  var BASIC = "basis";
  var FOLLOWUP = ["done", "partly", "not_yet"];
  var REFRESH_MS = 20000;

  function schema() {
    return window.kringData().schema || SCHEMA;
  }
  window.kringGroupSchema = SCHEMA;

  // --- small helpers --------------------------------------------------------------------------
  function define(target, extra) {
    Object.defineProperties(target, Object.getOwnPropertyDescriptors(extra));
    return target;
  }

  function groupId() {
    return window.kringData().group || "";
  }

  function lsGet(k) {
    try {
      return window.localStorage.getItem(k);
    } catch (e) {
      return null;
    }
  }

  function lsSet(k, v) {
    try {
      if (v === null) window.localStorage.removeItem(k);
      else window.localStorage.setItem(k, v);
      return true;
    } catch (e) {
      return false; // private mode: works for this visit only
    }
  }

  function memberRecord() {
    try {
      var r = JSON.parse(lsGet("kring:group:" + groupId()) || "null");
      return r && typeof r === "object" && r.token ? r : null;
    } catch (e) {
      return null;
    }
  }

  // The key this page was opened with, read once (the skip link's "#main" is no key).
  var pageKey = null;
  function fragmentKey() {
    if (pageKey === null) {
      var h = (window.location.hash || "").replace(/^#/, "");
      try {
        h = decodeURIComponent(h);
      } catch (e) {
        h = "";
      }
      pageKey = h && !document.getElementById(h) ? h : "";
    }
    return pageKey;
  }

  function post(path, body) {
    return fetch("/api/groups/" + encodeURIComponent(groupId()) + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }).then(
      function (r) {
        var json = (r.headers.get("content-type") || "").indexOf("application/json") >= 0;
        return (json ? r.json() : r.text()).then(function (data) {
          return { ok: r.ok, status: r.status, data: data };
        });
      },
      function (e) {
        return { ok: false, status: 0, data: { error: "unavailable", message: String((e && e.message) || e) } };
      }
    );
  }

  function dateText(iso, lang) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m) return iso || "";
    var d = new Date(+m[1], +m[2] - 1, +m[3]);
    try {
      return d.toLocaleDateString(window.kringI18n.locale(lang), { day: "numeric", month: "long", year: "numeric" });
    } catch (e) {
      return iso;
    }
  }

  function download(name, text) {
    var url = URL.createObjectURL(new Blob([text], { type: "application/toml;charset=utf-8" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 1000);
  }

  // Focus an element once x-show has revealed it (Alpine shows in a later task of its own).
  function focusWhenShown(id) {
    var tries = 0;
    (function attempt() {
      var e = document.getElementById(id);
      if (e && e.offsetParent !== null) e.focus();
      else if (++tries < 30) window.requestAnimationFrame(attempt);
    })();
  }

  // Enter a meeting from the group page: the room page finds this member's room token where
  // conn.js keeps it, so no new join link and no name are needed.
  function remember(m, name) {
    var rec = { key: m.join_key, name: name };
    if (m.token) rec.token = m.token;
    lsSet("kring:room:" + m.room, JSON.stringify(rec));
  }

  // --- the shared state of the page -------------------------------------------------------------
  var store = {
    phase: "boot", // boot | join | badlink | denied | ready
    view: null,
    token: null,
    loadError: "",
    joinError: "",
    joining: false,

    start: function () {
      var rec = memberRecord();
      if (rec) {
        this.token = rec.token;
        this.load();
      } else {
        this.phase = fragmentKey() ? "join" : "badlink";
      }
    },
    load: function () {
      var self = this;
      if (!this.token) return Promise.resolve(null);
      return post("/view", { token: this.token }).then(function (r) {
        if (r.ok) {
          self.view = r.data;
          self.phase = "ready";
          self.loadError = "";
          // The key has done its work: keep it out of the address bar (and out of shared
          // screenshots), as long as the token is safely stored.
          if (fragmentKey() && memberRecord()) {
            window.history.replaceState(null, "", window.location.pathname + window.location.search);
          }
        } else if (r.status === 404) {
          // The token no longer opens this group: join again with the link's key, if any.
          lsSet("kring:group:" + groupId(), null);
          self.token = null;
          self.view = null;
          self.phase = fragmentKey() ? "join" : "denied";
        } else {
          self.loadError = (r.data && r.data.message) || String(r.status);
        }
        return r;
      });
    },
    join: function (name) {
      var self = this;
      this.joining = true;
      this.joinError = "";
      return post("/join", { key: fragmentKey(), name: name }).then(function (r) {
        self.joining = false;
        if (!r.ok) {
          if (r.status === 404) self.phase = "denied";
          else self.joinError = (r.data && r.data.message) || String(r.status);
          return r;
        }
        self.token = r.data.token;
        lsSet("kring:group:" + groupId(), JSON.stringify({ token: r.data.token, mid: r.data.member }));
        return self.load();
      });
    },
    cmd: function (type, args) {
      var self = this;
      return post("/cmd", { token: this.token, type: type, args: args || {} }).then(function (r) {
        if (r.ok) self.load();
        return r;
      });
    },
    send: function (path, body) {
      return post(path, Object.assign({ token: this.token }, body));
    },
  };

  // Shared getters for every group component.
  function base() {
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
        return window.kringI18n.dict(this.$store.kring.lang);
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
        return dateText(iso, this.$store.kring.lang);
      },
      // An error from the API as one line: a translated head and the server's own words.
      errText: function (r) {
        var d = (r && r.data) || {};
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
        var nr = (this.v && this.v.next_roles) || {};
        return !!this.v && this.v.group.rotating_chair && !!nr.chair && nr.chair === this.you.mid;
      },
      // All methods a meeting can use: the built-in library and the group's own.
      get allMethods() {
        var self = this;
        var lib = window.kringData().library || [];
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
    for (var i = 0; i < arguments.length; i++) define(o, arguments[i]);
    return o;
  }

  // --- frame: join, errors, title ---------------------------------------------------------------
  function groupPage() {
    var timer = null;
    var onVisible = null;
    return base({
      joinName: "",
      init: function () {
        var self = this;
        this.G.start();
        var plain = document.title;
        window.Alpine.effect(function () {
          var v = self.G.view;
          document.title = v ? v.group.name + " — Kring" : plain;
        });
        timer = window.setInterval(function () {
          if (document.visibilityState === "visible" && self.G.phase === "ready") self.G.load();
        }, REFRESH_MS);
        onVisible = function () {
          if (document.visibilityState === "visible" && self.G.phase === "ready") self.G.load();
        };
        document.addEventListener("visibilitychange", onVisible);
        window.addEventListener("focus", onVisible);
      },
      destroy: function () {
        window.clearInterval(timer);
        document.removeEventListener("visibilitychange", onVisible);
        window.removeEventListener("focus", onVisible);
      },
      get isBoot() {
        return this.G.phase === "boot";
      },
      get showJoin() {
        return this.G.phase === "join";
      },
      get showBadLink() {
        return this.G.phase === "badlink";
      },
      get showDenied() {
        return this.G.phase === "denied";
      },
      get groupName() {
        return this.v ? this.v.group.name : "";
      },
      get youText() {
        if (!this.v) return "";
        return this.f(this.isAdmin ? "grpYouAdmin" : "grpYou", { name: this.you.name });
      },
      get cannotJoin() {
        var n = this.joinName.trim();
        return !n || n.length > 40 || this.G.joining;
      },
      onJoinName: function (ev) {
        this.joinName = ev.target.value;
      },
      join: function () {
        if (!this.cannotJoin) this.G.join(this.joinName.trim());
      },
      get hasJoinError() {
        return !!this.G.joinError;
      },
      get joinErrorText() {
        return this.G.joinError;
      },
      get hasLoadError() {
        return !!this.G.loadError;
      },
      get loadErrorText() {
        return this.f("grpLoadFailed", { msg: this.G.loadError });
      },
      reload: function () {
        this.G.load();
      },
    });
  }

  // --- meetings -------------------------------------------------------------------------------
  function meetingRow(self, m, i) {
    var L = self.L;
    var status = m.status || "next";
    var title = m.title || self.tr(m.method_name);
    return {
      room: m.room,
      num: i + 1,
      title: title,
      when: m.date ? self.date(m.date) : L.grpNoDate,
      method: self.tr(m.method_name),
      status: L["grpStatus_" + status] || status,
      statusCls: "badge badge-status is-" + status,
      cls: "meeting is-" + status,
      question: m.question || "",
      hasQuestion: !!m.question,
      inbrenger: m.inbrenger ? self.f("grpInbrengerIs", { name: self.memberName(m.inbrenger) }) : "",
      hasInbrenger: !!m.inbrenger,
      chair: m.chair ? self.f("grpChairIs", { name: self.memberName(m.chair) }) : "",
      roles: [m.chair ? self.f("grpChairIs", { name: self.memberName(m.chair) }) : ""]
        .concat(m.inbrenger ? [self.f("grpInbrengerIs", { name: self.memberName(m.inbrenger) })] : [])
        .filter(Boolean)
        .join(" · "),
      isPast: status === "past",
      reportHref: "/r/" + encodeURIComponent(m.room) + "/report#" + encodeURIComponent(m.join_key),
      reportLabel: L.grpReport + ": " + title,
      openLabel: L.grpOpenMeeting + ": " + title,
      isMember: !!m.token,
    };
  }

  function groupMeetings() {
    return base({
      get list() {
        var self = this;
        var ms = (this.v && this.v.meetings) || [];
        return ms
          .map(function (m, i) {
            return meetingRow(self, m, i);
          })
          .reverse();
      },
      get hasMeetings() {
        return this.list.length > 0;
      },
      get noMeetings() {
        return this.list.length === 0;
      },
      get nextRaw() {
        return this.upcoming;
      },
      get next() {
        var ms = (this.v && this.v.meetings) || [];
        var n = this.nextRaw;
        return n ? meetingRow(this, n, ms.indexOf(n)) : null;
      },
      get hasNext() {
        return !!this.nextRaw;
      },
      get noNext() {
        return !this.nextRaw;
      },
      get nextTitle() {
        return this.next ? this.next.title : "";
      },
      get nextWhen() {
        return this.next ? this.next.when : "";
      },
      get nextMethod() {
        return this.next ? this.f("grpMethodIs", { name: this.next.method }) : "";
      },
      get nextStatus() {
        return this.next ? this.next.status : "";
      },
      get nextStatusCls() {
        return this.next ? this.next.statusCls : "";
      },
      get nextChair() {
        return this.next ? this.next.chair : "";
      },
      get nextInbrenger() {
        return this.next ? this.next.inbrenger : "";
      },
      get nextHasInbrenger() {
        return !!this.next && this.next.hasInbrenger;
      },
      get nextRoom() {
        return this.next ? this.next.room : "";
      },
      get nextOpenLabel() {
        return this.next ? this.next.openLabel : "";
      },
      get noNextText() {
        return this.isAdmin || this.isChair ? this.L.grpNoNextPlan : this.L.grpNoNext;
      },
      open: function (room) {
        var m = ((this.v && this.v.meetings) || []).filter(function (x) {
          return x.room === room;
        })[0];
        if (!m) return;
        remember(m, this.you.name);
        window.location.href = "/r/" + encodeURIComponent(room) + "#" + encodeURIComponent(m.join_key);
      },
      // The report page reads the member's room token from the same place as the room page.
      rememberFor: function (room) {
        var m = ((this.v && this.v.meetings) || []).filter(function (x) {
          return x.room === room;
        })[0];
        if (m) remember(m, this.you.name);
      },
    });
  }

  // --- werkvraag for the upcoming meeting -------------------------------------------------------
  function groupWerkvraag() {
    return base({
      text: "",
      busy: false,
      error: "",
      sent: [],
      init: function () {
        try {
          this.sent = JSON.parse(lsGet("kring:werkvraag:" + groupId()) || "[]") || [];
        } catch (e) {
          this.sent = [];
        }
      },
      get meeting() {
        return this.upcoming;
      },
      get visible() {
        return !!this.meeting;
      },
      get canSubmit() {
        return !!this.meeting && !!this.meeting.token;
      },
      get notInMeeting() {
        return !!this.meeting && !this.meeting.token;
      },
      get forText() {
        var m = this.meeting;
        if (!m) return "";
        var when = m.date ? this.f("grpOnDate", { date: this.date(m.date) }) : "";
        return this.f("grpWerkvraagFor", { title: m.title, date: when });
      },
      onText: function (ev) {
        this.text = ev.target.value;
      },
      get checklist() {
        return window.kringWerkvraag.checklist(this.text, this.L);
      },
      get tooLong() {
        return window.kringWerkvraag.sentences(this.text) > 3;
      },
      get cannotSend() {
        return this.busy || !this.text.trim() || this.tooLong;
      },
      get hasError() {
        return !!this.error;
      },
      get sentList() {
        var room = this.meeting && this.meeting.room;
        return this.sent
          .filter(function (s) {
            return s.room === room;
          })
          .map(function (s, i) {
            return { i: i, text: s.text };
          });
      },
      get hasSent() {
        return this.sentList.length > 0;
      },
      submit: function () {
        if (this.cannotSend) return;
        var self = this;
        var text = this.text.trim();
        var room = this.meeting.room;
        this.busy = true;
        this.error = "";
        this.G.send("/werkvraag", { room: room, text: text }).then(function (r) {
          self.busy = false;
          if (!r.ok) {
            self.error = self.errText(r);
            return;
          }
          // Kept in this browser only, so a reload still shows what you sent.
          self.sent = self.sent.concat([{ room: room, text: text }]).slice(-20);
          lsSet("kring:werkvraag:" + groupId(), JSON.stringify(self.sent));
          self.text = "";
        });
      },
    });
  }

  // --- open action plans and their follow-up -----------------------------------------------------
  function groupPlans() {
    return base({
      get plans() {
        var self = this;
        var L = this.L;
        return ((this.v && this.v.open_plans) || []).map(function (p) {
          return {
            key: p.meeting,
            owner: p.owner_name || self.memberName(p.owner),
            from: self.f("grpPlanFrom", { title: p.title, date: p.date ? self.date(p.date) : "" }),
            action: p.plan.action || "",
            hasAction: !!p.plan.action,
            firstStep: p.plan.first_step || "",
            hasFirstStep: !!p.plan.first_step,
            review: p.review_date ? self.date(p.review_date) : L.grpNoReview,
            due: !!p.due,
            cls: "plan-card" + (p.due ? " is-due" : ""),
            reports: (p.reports || []).map(function (r, i) {
              return {
                i: i,
                status: L["fuStatus_" + r.status] || r.status,
                statusCls: "badge badge-fu is-" + r.status,
                text: r.text,
                hasText: !!r.text,
              };
            }),
            noReports: !(p.reports || []).length,
          };
        });
      },
      get hasPlans() {
        return this.plans.length > 0;
      },
      get noPlans() {
        return this.plans.length === 0;
      },
    });
  }

  // --- evaluation trend: an SVG line chart with a table as its text alternative -----------------
  var SVGNS = "http://www.w3.org/2000/svg";
  function el(name, attrs, text) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function drawTrend(svg, points, L, label) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = 560;
    var H = 240;
    var left = 54;
    var right = 16;
    var top = 16;
    var bottom = 54;
    var n = points.length;
    var x = function (i) {
      return n <= 1 ? left + (W - left - right) / 2 : left + ((W - left - right) * i) / (n - 1);
    };
    var y = function (v) {
      return top + ((H - top - bottom) * (5 - v)) / 4;
    };
    svg.appendChild(el("title", { id: "trend-svg-title" }, L.grpTrendTitle));
    svg.appendChild(el("desc", { id: "trend-svg-desc" }, label));
    for (var s = 1; s <= 5; s++) {
      svg.appendChild(el("line", { x1: left, x2: W - right, y1: y(s), y2: y(s), class: "trend-grid" }));
      svg.appendChild(el("text", { x: left - 8, y: y(s) + 4, class: "trend-tick", "text-anchor": "end" }, String(s)));
    }
    svg.appendChild(
      el("text", { x: 14, y: top + (H - top - bottom) / 2, class: "trend-axis", "text-anchor": "middle", transform: "rotate(-90 14 " + (top + (H - top - bottom) / 2) + ")" }, L.grpTrendY)
    );
    svg.appendChild(el("text", { x: left + (W - left - right) / 2, y: H - 6, class: "trend-axis", "text-anchor": "middle" }, L.grpTrendX));
    points.forEach(function (p, i) {
      svg.appendChild(el("text", { x: x(i), y: H - bottom + 18, class: "trend-tick", "text-anchor": "middle" }, p.label));
    });
    // Content left of the tick, process right of it: equal means stay two visible marks.
    [
      ["content", "trend-content", "circle", -5],
      ["process", "trend-process", "rect", 5],
    ].forEach(function (series) {
      var key = series[0];
      var pts = [];
      points.forEach(function (p, i) {
        if (p[key] !== null && p[key] !== undefined) pts.push([x(i) + series[3], y(p[key])]);
      });
      if (pts.length > 1) {
        svg.appendChild(
          el("polyline", {
            points: pts
              .map(function (q) {
                return q[0].toFixed(1) + "," + q[1].toFixed(1);
              })
              .join(" "),
            class: "trend-line " + series[1],
          })
        );
      }
      pts.forEach(function (q) {
        if (series[2] === "circle") svg.appendChild(el("circle", { cx: q[0], cy: q[1], r: 5, class: "trend-dot " + series[1] }));
        else svg.appendChild(el("rect", { x: q[0] - 4.5, y: q[1] - 4.5, width: 9, height: 9, class: "trend-dot " + series[1] }));
      });
    });
  }

  function groupTrend() {
    return base({
      init: function () {
        var self = this;
        window.Alpine.effect(function () {
          var pts = self.points;
          var L = self.L;
          var label = self.summary;
          self.$nextTick(function () {
            var svg = self.$refs.svg;
            if (svg) drawTrend(svg, pts, L, label);
          });
        });
      },
      get points() {
        var self = this;
        var meetings = (this.v && this.v.meetings) || [];
        return ((this.v && this.v.trend) || []).map(function (t) {
          var i = meetings.findIndex(function (m) {
            return m.room === t.room;
          });
          var m = meetings[i] || {};
          return {
            room: t.room,
            label: t.date ? self.date(t.date).replace(/ \d{4}$/, "") : "#" + (i + 1),
            name: (m.title || "#" + (i + 1)) + (t.date ? " (" + self.date(t.date) + ")" : ""),
            content: t.content,
            process: t.process,
          };
        });
      },
      get hasTrend() {
        return this.points.length > 0;
      },
      get noTrend() {
        return this.points.length === 0;
      },
      // A mean as people write it: "3,5" in Dutch, "3.5" in English, a dash when nobody scored.
      num: function (v) {
        if (v === null || v === undefined) return "–";
        return Number(v).toLocaleString(window.kringI18n.locale(this.K.lang), { maximumFractionDigits: 2 });
      },
      get rows() {
        var self = this;
        return this.points.map(function (p) {
          return { room: p.room, name: p.name, content: self.num(p.content), process: self.num(p.process) };
        });
      },
      get summary() {
        var self = this;
        var pts = this.points;
        if (!pts.length) return "";
        var last = pts[pts.length - 1];
        return this.f("grpTrendSummary", {
          n: pts.length,
          content: this.num(last.content),
          process: this.num(last.process),
          first: pts[0].name,
          last: last.name,
        }) + (pts.length > 1 ? " " + self.trendWord("content") + " " + self.trendWord("process") : "");
      },
      trendWord: function (key) {
        var vals = this.points
          .map(function (p) {
            return p[key];
          })
          .filter(function (v) {
            return v !== null && v !== undefined;
          });
        if (vals.length < 2) return "";
        var d = vals[vals.length - 1] - vals[0];
        var which = d > 0.05 ? "Up" : d < -0.05 ? "Down" : "Flat";
        return this.f("grpTrend" + which, { what: key === "content" ? this.L.grpTrendContent : this.L.grpTrendProcess });
      },
    });
  }

  // --- members and who is next ------------------------------------------------------------------
  // Who chairs and who brings the case: those of the planned meeting when there is one, else
  // the ones chosen at the last evaluation for a meeting still to be planned.
  function groupMembers() {
    return base({
      get roles() {
        var up = this.upcoming;
        if (up) return { chair: up.chair || null, inbrenger: up.inbrenger || null, title: up.title };
        var nr = (this.v && this.v.next_roles) || {};
        return { chair: nr.chair || null, inbrenger: nr.inbrenger || null, title: null };
      },
      get members() {
        var self = this;
        var ms = (this.v && this.v.members) || {};
        var r = this.roles;
        return Object.keys(ms).map(function (mid) {
          var m = ms[mid];
          return {
            mid: mid,
            name: m.name + (mid === self.you.mid ? " (" + self.L.you + ")" : ""),
            admin: !!m.admin,
            chair: r.chair === mid,
            inbrenger: r.inbrenger === mid,
            cls: "member" + (mid === self.you.mid ? " is-me" : ""),
          };
        });
      },
      get countText() {
        return "(" + this.members.length + ")";
      },
      get rolesTitle() {
        var t = this.roles.title;
        return t ? this.f("grpRolesAt", { title: t }) : this.L.grpNextRoles;
      },
      get chairText() {
        return this.roles.chair ? this.memberName(this.roles.chair) : this.L.grpNotChosen;
      },
      get inbrengerText() {
        return this.roles.inbrenger ? this.memberName(this.roles.inbrenger) : this.L.grpNotChosen;
      },
      get rotating() {
        return !!this.v && this.v.group.rotating_chair;
      },
      get rotationText() {
        return this.rotating ? this.L.grpRotationOn : this.L.grpRotationOff;
      },
      get youChair() {
        return this.isChair && !this.upcoming;
      },
    });
  }

  // --- the group's facilitator: invite link, rotating chair -------------------------------------
  function groupAdmin() {
    return base({
      copied: false,
      busy: false,
      error: "",
      get visible() {
        return this.ready && this.isAdmin;
      },
      get inviteUrl() {
        var k = this.v && this.v.join_key;
        return k ? window.location.origin + "/g/" + encodeURIComponent(groupId()) + "#" + k : "";
      },
      get copyLabel() {
        return this.copied ? this.L.copied : this.L.copy;
      },
      selectAll: function (ev) {
        ev.target.select();
      },
      copyInvite: function () {
        var self = this;
        window.kringCopy(this.inviteUrl, document.getElementById("grp-invite"), function (on) {
          self.copied = on;
        });
      },
      get rotating() {
        return !!this.v && this.v.group.rotating_chair;
      },
      get hasError() {
        return !!this.error;
      },
      toggleRotating: function (ev) {
        var self = this;
        var on = ev.target.checked;
        this.error = "";
        this.G.cmd("group.settings", { rotating_chair: on }).then(function (r) {
          if (!r.ok) {
            self.error = self.errText(r);
            ev.target.checked = !on;
          }
        });
      },
    });
  }

  // --- planning a meeting: the group's facilitator, or the chair chosen at the last evaluation --
  function groupNewMeeting() {
    return base({
      method: BASIC,
      dateDraft: "",
      title: "",
      busy: false,
      error: "",
      done: "",
      get visible() {
        return this.ready && (this.isAdmin || this.isChair);
      },
      get intro() {
        return this.isChair ? this.L.grpChairIntro : this.L.grpNewIntro;
      },
      get builtIn() {
        var sel = this.method;
        return this.allMethods
          .filter(function (m) {
            return !m.own;
          })
          .map(function (m) {
            return { v: m.id, label: m.name, sel: m.id === sel };
          });
      },
      get own() {
        var sel = this.method;
        return this.allMethods
          .filter(function (m) {
            return m.own;
          })
          .map(function (m) {
            return { v: m.id, label: m.name, sel: m.id === sel };
          });
      },
      get hasOwn() {
        return this.own.length > 0;
      },
      onMethod: function (ev) {
        this.method = ev.target.value;
      },
      onDate: function (ev) {
        this.dateDraft = ev.target.value;
      },
      onTitle: function (ev) {
        this.title = ev.target.value;
      },
      get hasError() {
        return !!this.error;
      },
      get isDone() {
        return !!this.done;
      },
      get label() {
        return this.busy ? this.L.creating : this.L.grpCreateMeeting;
      },
      create: function () {
        if (this.busy) return;
        var self = this;
        this.busy = true;
        this.error = "";
        this.done = "";
        var args = { method: this.method, date: this.dateDraft, title: this.title.trim() };
        this.G.cmd("meeting.create", args).then(function (r) {
          self.busy = false;
          if (!r.ok) {
            self.error = self.errText(r);
            return;
          }
          self.done = self.L.grpMeetingCreated;
          self.title = "";
          self.dateDraft = "";
        });
      },
    });
  }

  // --- custom methods: copy, edit in a form, save through the loader's schema, TOML in and out ---
  var uid = 0;

  function phaseDraft(p) {
    uid += 1;
    return {
      uid: "p" + uid,
      id: p.id || "",
      title: { nl: (p.title && p.title.nl) || "", en: (p.title && p.title.en) || "" },
      instructions: { nl: (p.instructions && p.instructions.nl) || "", en: (p.instructions && p.instructions.en) || "" },
      minutes: p.minutes === undefined ? 10 : String(p.minutes),
      tools: (p.tools || []).slice(),
      cards: (p.cards || []).slice(),
      writers: (p.writers || ["all"]).slice(),
      note_writers: (p.note_writers || ["listeners"]).slice(),
      private: !!p.private,
      fallback: p.fallback || "",
    };
  }

  function minutesValue(v) {
    var s = String(v).trim();
    return /^\d+$/.test(s) ? parseInt(s, 10) : s;
  }

  // The draft as the schema's dict (server/methods.py: Method.to_dict / parse_method).
  function methodData(d) {
    return {
      id: d.id.trim(),
      name: { nl: d.name.nl, en: d.name.en },
      summary: d.summary,
      purpose: d.purpose,
      level: d.level,
      kind: d.kind,
      roles: d.roles.slice(),
      rules: d.rules.slice(),
      source: d.source,
      phases: d.phases.map(function (p) {
        return {
          id: p.id.trim(),
          title: { nl: p.title.nl, en: p.title.en },
          instructions: { nl: p.instructions.nl, en: p.instructions.en },
          minutes: minutesValue(p.minutes),
          tools: p.tools.slice(),
          cards: p.cards.slice(),
          writers: p.writers.slice(),
          note_writers: p.note_writers.slice(),
          private: p.private,
          fallback: p.fallback,
        };
      }),
    };
  }

  // A refused method comes with the loader's {code, path, params} (server/methods.py MethodError):
  // the path (["phases", 0, "title", "nl"]) maps to the form, the label a person sees and the
  // input to go to; the code to the catalog's "methodError.<code>".
  var PHASE_FIELDS = {
    id: ["grpPhaseId", "-id"],
    minutes: ["minutes", "-min"],
    "title.nl": ["grpTitleNl", "-tnl"],
    "title.en": ["grpTitleEn", "-ten"],
    "instructions.nl": ["grpInstrNl", "-inl"],
    "instructions.en": ["grpInstrEn", "-ien"],
    tools: ["grpTools", "-tools-"],
    cards: ["grpCardKinds", "-cards-"],
    writers: ["grpWriters", "-writers-"],
    private: ["grpPrivate", "-priv"],
    fallback: ["grpFallback", "-fb"],
  };
  var METHOD_FIELDS = {
    id: ["grpMethodId", "me-id"],
    "name.nl": ["grpNameNl", "me-name-nl"],
    "name.en": ["grpNameEn", "me-name-en"],
    level: ["filterLevel", "me-level"],
    kind: ["filterKind", "me-kind"],
  };

  function locate(problem, phases, L, lang) {
    var path = (problem && problem.path) || [];
    if (path[0] !== "phases") {
      var top = METHOD_FIELDS[path.join(".")];
      return top ? { text: L[top[0]], target: top[1] } : null;
    }
    var i = path[1];
    var p = typeof i === "number" ? phases[i] : null;
    if (!p) return null;
    var where = window.kringI18n.t(lang, "grpPhaseN", { n: i + 1 });
    var f = PHASE_FIELDS[path.slice(2).join(".")];
    if (!f) return { text: where, target: p.uid + "-id" };
    var target = p.uid + f[1];
    if (f[1].slice(-1) === "-") {
      // a list of checkboxes: go to the first one of its group
      var list = f[1].slice(1, -1);
      target += schema()[list === "cards" ? "card_kinds" : list][0];
    }
    return { text: where + " · " + L[f[0]], target: target };
  }

  // ["phases", 0, "title", "nl"] -> "phases[0].title.nl", as the loader writes it.
  function pathText(path) {
    var out = "";
    path.forEach(function (p) {
      out += typeof p === "number" ? "[" + p + "]" : out ? "." + p : p;
    });
    return out;
  }

  // The refusal in the page's language; with the field's path when the form has no place for it.
  function problemText(problem, where, K) {
    if (!problem) return "";
    var msg = K.t("methodError." + problem.code, problem.params || {});
    var path = problem.path || [];
    return where || !path.length ? msg : K.t("grpErrorAt", { where: pathText(path), message: msg });
  }

  function setPath(obj, path, value) {
    var parts = path.split(".");
    var o = obj;
    for (var i = 0; i < parts.length - 1; i++) o = o[parts[i]];
    o[parts[parts.length - 1]] = value;
  }

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
        var taken = {};
        this.allMethods.forEach(function (m) {
          taken[m.id] = true;
        });
        var base_ = (id + "-eigen").slice(0, 34);
        var out = base_;
        for (var n = 2; taken[out]; n++) out = base_ + "-" + n;
        return out;
      },
      copy: function () {
        var m = this.sourceMethod;
        if (!m) return;
        var self = this;
        var I = window.kringI18n;
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
        var I = window.kringI18n;
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
        var lib = window.kringData().library || [];
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
            ["cards", "card_kinds", "grpCardKinds", "kind_"],
            ["writers", "writers", "grpWriters", "writer_"],
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
              fb: p.uid + "-fb",
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
      onPrivate: function (ev) {
        var i = this.phaseIndex(ev.target.getAttribute("data-uid"));
        if (i >= 0) this.draft.phases[i].private = ev.target.checked;
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
          download(id + ".toml", typeof r.data === "string" ? r.data : JSON.stringify(r.data));
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

  document.addEventListener("alpine:init", function () {
    var A = window.Alpine;
    A.store("group", store);
    A.data("groupPage", groupPage);
    A.data("groupMeetings", groupMeetings);
    A.data("groupWerkvraag", groupWerkvraag);
    A.data("groupPlans", groupPlans);
    A.data("groupTrend", groupTrend);
    A.data("groupMembers", groupMembers);
    A.data("groupAdmin", groupAdmin);
    A.data("groupNewMeeting", groupNewMeeting);
    A.data("methodEditor", methodEditor);
  });
})();
