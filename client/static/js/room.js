/* Kring room page: the components of /r/{room}. They render Alpine.store('kring').state (the
 * server's view for this person) and send commands; what is allowed comes from state.may.
 * Markup: client/templates/room.html. Strings: the catalogs client/i18n/<lang>.json (i18n.js).
 *
 * Longer than 600 lines on purpose for now: the room's components share their helpers (base(),
 * editor(), the phase and timer arithmetic) through this one closure, because the page loads
 * classic scripts without a build step; splitting it belongs to the move to ES modules. */
(function () {
  "use strict";

  var ROLES = ["inbrenger", "listener", "timekeeper", "coach", "facilitator"];
  var KIND_ORDER = [
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
  ];

  // --- helpers ----------------------------------------------------------------------------
  function define(target, extra) {
    Object.defineProperties(target, Object.getOwnPropertyDescriptors(extra));
    return target;
  }

  function clock(ms) {
    var neg = ms < 0;
    var total = neg ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000);
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    var body = (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s;
    return (neg ? "+" : "") + body;
  }

  function hhmm(ms) {
    var d = new Date(ms);
    return (d.getHours() < 10 ? "0" : "") + d.getHours() + ":" + (d.getMinutes() < 10 ? "0" : "") + d.getMinutes();
  }

  function kindRank(kind) {
    var i = KIND_ORDER.indexOf(kind);
    return i < 0 ? KIND_ORDER.length : i;
  }

  // The same row object for an unchanged item, so Alpine's keyed x-for leaves its DOM alone: a new
  // view arrives for every change in the room, and re-rendering hundreds of unchanged cards each
  // time is what makes a big room slow. Rows hold only strings, numbers and booleans.
  function keep(cache, id, row) {
    var old = cache[id];
    if (old) {
      var keys = Object.keys(row);
      var same = keys.length === Object.keys(old).length;
      for (var i = 0; same && i < keys.length; i++) same = old[keys[i]] === row[keys[i]];
      if (same) return old;
    }
    cache[id] = row;
    return row;
  }

  function byAt(a, b) {
    return (a.at || 0) - (b.at || 0);
  }

  function roomId() {
    return window.kringData().room || "";
  }

  function hashKey() {
    var h = (window.location.hash || "").replace(/^#/, "");
    try {
      h = decodeURIComponent(h);
    } catch (e) {
      return "";
    }
    // An in-page anchor (the skip link's "#main") is not a key.
    return h && !document.getElementById(h) ? h : "";
  }

  // The key this page was opened with, read once: later in-page anchors do not change it.
  var pageKey = null;

  function myKey() {
    if (pageKey === null) pageKey = hashKey();
    var k = pageKey;
    if (k) return k;
    var rec = window.Alpine.store("kring").saved(roomId());
    return (rec && rec.key) || "";
  }

  function remaining(timer, now) {
    if (!timer) return 0;
    if (!timer.running) return timer.remaining_ms;
    // A clock a few ms ahead of the server's must not show more time than was set.
    var left = timer.deadline - now;
    return timer.duration_ms ? Math.min(left, Math.max(timer.remaining_ms, timer.duration_ms)) : left;
  }

  // Shared getters for every room component: the store, the view, permissions and strings.
  function base() {
    var o = {
      get K() {
        return this.$store.kring;
      },
      // The server's view: a frozen plain object (conn.js), so reading `state` subscribes the
      // getter to the next view while the many reads inside a big room's view skip Alpine's proxy.
      get st() {
        return this.$store.kring.state;
      },
      get may() {
        return (this.st && this.st.may) || {};
      },
      get L() {
        return window.kringI18n.dict(this.$store.kring.lang);
      },
      get me() {
        var y = this.$store.kring.you;
        return y ? y.pid : null;
      },
      get phaseList() {
        return (this.st && this.st.method && this.st.method.phases) || [];
      },
      get cur() {
        var st = this.st;
        return (st && st.method.phases[st.phase.index]) || null;
      },
      get isFac() {
        return !!this.may.facilitator;
      },
      f: function (key, vars) {
        return this.$store.kring.t(key, vars);
      },
      tr: function (obj) {
        return this.$store.kring.tr(obj);
      },
      nameOf: function (pid) {
        return this.$store.kring.name(pid);
      },
      kindLabel: function (kind, plural) {
        var L = this.L;
        return L[(plural ? "kinds_" : "kind_") + kind] || kind;
      },
      roleLabel: function (role) {
        return this.L["role_" + role] || role;
      },
      cmd: function (type, args) {
        return this.$store.kring.send(type, args);
      },
    };
    for (var i = 0; i < arguments.length; i++) define(o, arguments[i]);
    return o;
  }

  // In-place editing of one's own cards or notes: `what` is "card" or "note" (state.cards /
  // state.notes, commands card.edit / note.edit, textarea id "<what>-edit-<id>").
  function editor(what, confirmKey) {
    return {
      editing: null,
      editText: "",
      startEdit: function (id) {
        var item = this.st[what + "s"][id];
        if (!item) return;
        this.editing = id;
        this.editText = item.text;
        window.setTimeout(function () {
          var el = document.getElementById(what + "-edit-" + id);
          if (el) el.focus();
        }, 0);
      },
      onEdit: function (ev) {
        this.editText = ev.target.value;
      },
      saveEdit: function () {
        var id = this.editing;
        var text = this.editText.trim();
        this.editing = null;
        if (id && text) this.cmd(what + ".edit", { id: id, text: text });
        focusLater(what + "-editbtn-" + id); // back to the item's own edit button
      },
      cancelEdit: function () {
        var id = this.editing;
        this.editing = null;
        focusLater(what + "-editbtn-" + id);
      },
      remove: function (id) {
        if (window.confirm(this.L[confirmKey])) this.cmd(what + ".remove", { id: id });
      },
    };
  }

  // Move keyboard focus to the first of these element ids that is shown, once Alpine has updated
  // the page (after a control that had focus hides, or a panel opens).
  function focusLater() {
    var ids = Array.prototype.slice.call(arguments);
    window.setTimeout(function () {
      for (var i = 0; i < ids.length; i++) {
        var el = document.getElementById(ids[i]);
        if (el && el.offsetParent) {
          el.focus();
          return;
        }
      }
    }, 0);
  }

  function linkFor(suffix) {
    return "/r/" + encodeURIComponent(roomId()) + suffix + "#" + encodeURIComponent(myKey());
  }
  // The projector has a key of its own, which only facilitators get: no link without it.
  function projectorLink(key) {
    return key ? "/r/" + encodeURIComponent(roomId()) + "/projector#" + encodeURIComponent(key) : "";
  }

  // --- top bar ----------------------------------------------------------------------------
  function roomBar() {
    return base({
      init: function () {
        var self = this;
        var plain = document.title;
        window.Alpine.effect(function () {
          document.title = self.title ? self.title + " — Kring" : plain;
        });
      },
      get joined() {
        return !!this.st && !!this.K.you;
      },
      get title() {
        return (this.st && this.st.room.title) || "";
      },
      get methodName() {
        return this.st ? this.tr(this.st.method.name) : "";
      },
      get connClass() {
        if (this.K.fatal) return "is-fatal";
        if (this.K.connected) return "is-online";
        if (this.K.reconnecting) return "is-reconnecting";
        return "is-idle";
      },
      get connText() {
        if (this.K.fatal) return this.L.connClosed;
        if (this.K.connected) return this.L.connOnline;
        if (this.K.reconnecting) return this.L.reconnecting;
        return this.K.started ? this.L.connecting : "";
      },
      get showNotesBtn() {
        return !!this.may.notes || Object.keys((this.st && this.st.notes) || {}).length > 0;
      },
      get notesOpen() {
        return !!this.$store.ui.notes;
      },
      get notesLabel() {
        var n = Object.keys((this.st && this.st.notes) || {}).length;
        return this.L.notes + (n ? " (" + n + ")" : "");
      },
      toggleNotes: function () {
        this.$store.ui.notes = !this.$store.ui.notes;
        if (this.$store.ui.notes) focusLater("note-new", "notes-close");
      },
      get projectorHref() {
        return projectorLink(this.K.projectorKey);
      },
      get reportHref() {
        return linkFor("/report");
      },
      // A group meeting links back to its group page (the member's group token is in this browser).
      get hasGroup() {
        return !!(this.st && this.st.group);
      },
      get groupHref() {
        return this.hasGroup ? "/g/" + encodeURIComponent(this.st.group) : "";
      },
    });
  }

  // --- the room: join, phase bar, phase text -------------------------------------------------
  function room() {
    return base({
      joinName: "",
      init: function () {
        var rec = this.K.saved(roomId());
        if (rec && rec.name) this.joinName = rec.name;
        var key = myKey();
        if (rec && rec.token && key) this.K.connect({ room: roomId(), key: key });
        // A different link pasted into the same tab: start over with the new key.
        window.addEventListener("hashchange", function () {
          var k = hashKey();
          if (k && k !== pageKey) window.location.reload();
        });
      },
      get fatal() {
        return !!this.K.fatal;
      },
      get fatalText() {
        var key = "fatal_" + this.K.fatal;
        return this.K.has(key) ? this.L[key] : this.L.fatal_invalid;
      },
      get showBadLink() {
        return !this.K.started && !myKey();
      },
      get showJoin() {
        return !this.K.started && !!myKey() && !this.K.fatal;
      },
      get showConnecting() {
        return this.K.started && !this.st && !this.K.fatal;
      },
      get isWaiting() {
        return !!this.st && !!this.st.waiting_for_admission && !this.K.fatal;
      },
      get ready() {
        return !!this.st && !this.isWaiting && !this.K.fatal && this.phaseList.length > 0;
      },
      get cannotJoin() {
        var n = this.joinName.trim();
        return !n || n.length > 40;
      },
      onJoinName: function (ev) {
        this.joinName = ev.target.value;
      },
      join: function () {
        if (this.cannotJoin) return;
        this.K.connect({ room: roomId(), key: myKey(), name: this.joinName.trim().slice(0, 40) });
      },
      get showReconnecting() {
        return this.K.reconnecting && !this.K.fatal;
      },
      // More participants than the facilitator expects: a warning with a one-click lock.
      get showCrowd() {
        var n = this.st ? Object.keys(this.st.participants || {}).length : 0;
        return this.isFac && !!this.st && !this.st.locked && n > (window.kringData().crowd_warning || 12);
      },
      get crowdText() {
        return this.f("crowdWarning", { n: Object.keys((this.st && this.st.participants) || {}).length });
      },
      lockNow: function () {
        this.cmd("room.lock", { locked: true });
      },
      get outboxText() {
        var n = this.K.outbox.length;
        return n ? this.f("outboxWaiting", { n: n }) : "";
      },
      get hasError() {
        return !!this.K.lastError && !this.K.fatal;
      },
      get errorText() {
        var e = this.K.lastError;
        if (!e) return "";
        // The server's codes are an open list: one this catalog has no text for gets the generic head.
        var head = this.K.has("err_" + e.code) ? this.L["err_" + e.code] : this.L.err_generic;
        return e.message ? head + " (" + e.message + ")" : head;
      },
      dismissError: function () {
        this.K.clearError();
      },

      // phase stepper
      get steps() {
        var self = this;
        var st = this.st;
        var now = this.K.now();
        return this.phaseList.map(function (p, i) {
          var used = p.used_ms || 0;
          if (p.state === "current") used += Math.max(0, now - st.phase.started);
          var usedMin = Math.round(used / 60000);
          var time =
            p.state === "next"
              ? self.f("minShort", { n: p.minutes })
              : self.f("usedOfPlanned", { used: usedMin, planned: p.minutes });
          var over = p.state !== "next" && used > p.minutes * 60000;
          return {
            id: p.id,
            num: i + 1,
            title: self.tr(p.title),
            time: time,
            cls: "step is-" + p.state + (over ? " is-over" : ""),
            ariaCurrent: p.state === "current" ? "step" : "false",
            stateText: self.L["step_" + p.state],
            tip: p.minutes !== p.planned ? self.f("plannedWas", { n: p.planned }) : "",
          };
        });
      },
      get totalText() {
        var st = this.st;
        if (!st) return "";
        var text = this.f("totalMinutes", { n: st.method.minutes });
        if (st.meeting_end) {
          // What is still planned: the rest of this phase and all later phases.
          var now = this.K.now();
          var left = Math.max(0, remaining(st.timer, now));
          this.phaseList.forEach(function (p) {
            if (p.state === "next") left += p.minutes * 60000;
          });
          var slack = Math.round((st.meeting_end - now - left) / 60000);
          text += " · " + this.f("endsAt", { t: hhmm(st.meeting_end) });
          text += " · " + (slack >= 0 ? this.f("slackOk", { n: slack }) : this.f("slackOver", { n: -slack }));
        }
        return text;
      },
      get timerMs() {
        return remaining(this.st && this.st.timer, this.K.now());
      },
      get timerText() {
        return clock(this.timerMs);
      },
      get timerClass() {
        var t = this.st && this.st.timer;
        var ms = this.timerMs;
        var c = "timer";
        if (ms < 0) c += " is-over";
        else if (ms < 60000) c += " is-low";
        if (t && !t.running) c += " is-paused";
        return c;
      },
      get timerLabel() {
        var t = this.st && this.st.timer;
        if (this.timerMs < 0) return this.L.timeUp;
        if (t && !t.running) return this.L.timerPaused;
        return this.L.timeLeft;
      },
      get timerAria() {
        return this.timerLabel + " " + this.timerText;
      },

      // current phase
      get phaseKicker() {
        return this.st ? this.f("phaseOf", { n: this.st.phase.index + 1, m: this.phaseList.length }) : "";
      },
      get phaseTitle() {
        return this.cur ? this.tr(this.cur.title) : "";
      },
      get phaseInstructions() {
        return this.cur ? this.tr(this.cur.instructions) : "";
      },
      get phasePrivate() {
        var st = this.st;
        return !!this.cur && this.cur.private && !this.phaseRevealed;
      },
      get phaseRevealed() {
        var st = this.st;
        var id = this.cur && this.cur.id;
        var cards = (st && st.cards) || {};
        return Object.keys(cards).some(function (k) {
          return cards[k].phase === id && cards[k].private && cards[k].revealed;
        });
      },
      get privateText() {
        return this.L.privateNotice;
      },
      get rules() {
        var self = this;
        return ((this.st && this.st.method.rules) || []).map(function (r, i) {
          return { i: i, text: self.tr(r) };
        });
      },
      get hasRules() {
        return this.rules.length > 0;
      },
    });
  }

  // --- the case: werkvraag and reformulation -------------------------------------------------
  function casePanel() {
    return base({
      editorOpen: false,
      qDraft: "",
      rDraft: "",
      get c() {
        return (this.st && this.st.case) || { question: "", reformulation: "", inbrenger: null };
      },
      get question() {
        return this.c.question;
      },
      get reformulation() {
        return this.c.reformulation;
      },
      get hasQuestion() {
        return !!this.c.question;
      },
      get noQuestion() {
        return !this.c.question;
      },
      get hasReform() {
        return !!this.c.reformulation;
      },
      get noReform() {
        return !this.c.reformulation;
      },
      get hasInbrenger() {
        return !!this.c.inbrenger;
      },
      get inbrengerText() {
        return this.f("broughtBy", { name: this.nameOf(this.c.inbrenger) });
      },
      get canEdit() {
        return !!this.may.case;
      },
      get closedEditor() {
        return !this.editorOpen;
      },
      get editLabel() {
        return this.c.question ? this.L.editCase : this.L.writeQuestion;
      },
      openEditor: function () {
        this.qDraft = this.c.question;
        this.rDraft = this.c.reformulation;
        this.editorOpen = true;
        focusLater("case-question"); // the open button hides: keyboard focus goes with the editor
      },
      closeEditor: function () {
        this.editorOpen = false;
        focusLater("case-open");
      },
      onQ: function (ev) {
        this.qDraft = ev.target.value;
      },
      onR: function (ev) {
        this.rDraft = ev.target.value;
      },
      get cannotSaveQ() {
        return !this.qDraft.trim() || this.qDraft.trim() === this.c.question;
      },
      get cannotSaveR() {
        return !this.c.question || !this.rDraft.trim() || this.rDraft.trim() === this.c.reformulation;
      },
      saveQuestion: function () {
        if (!this.cannotSaveQ) this.cmd("case.set", { question: this.qDraft.trim() });
      },
      saveReform: function () {
        if (!this.cannotSaveR) this.cmd("case.reformulate", { text: this.rDraft.trim() });
      },
      // A writing aid, not a rule (client/static/js/werkvraag.js).
      get checklist() {
        return window.kringWerkvraag.checklist(this.qDraft, this.L);
      },
    });
  }

  // --- cards of the current phase --------------------------------------------------------------
  function cardsPanel() {
    var rows = Object.create(null); // card id -> its last row (see keep())
    return base(editor("card", "confirmRemove"), {
      drafts: {},
      get phaseId() {
        return this.cur ? this.cur.id : null;
      },
      get kinds() {
        var id = this.phaseId;
        var kinds = (this.cur && this.cur.cards.slice()) || [];
        var cards = (this.st && this.st.cards) || {};
        Object.keys(cards).forEach(function (k) {
          var c = cards[k];
          if (c.phase === id && kinds.indexOf(c.kind) < 0) kinds.push(c.kind);
        });
        return kinds.sort(function (a, b) {
          return kindRank(a) - kindRank(b);
        });
      },
      get visible() {
        return this.kinds.length > 0;
      },
      get groups() {
        var self = this;
        var st = this.st;
        var me = this.me;
        var L = this.L;
        var id = this.phaseId;
        var cards = (st && st.cards) || {};
        var canAdd = this.may.cards || [];
        var rules = window.kringData().hint_rules || [];
        var pendingAll = this.K.outbox.filter(function (c) {
          return c.type === "card.add" && !cards[c.args.id];
        });
        return this.kinds.map(function (kind) {
          var list = Object.keys(cards)
            .map(function (cid) {
              return Object.assign({ id: cid }, cards[cid]);
            })
            .filter(function (c) {
              return c.phase === id && c.kind === kind;
            })
            .sort(byAt)
            .map(function (c) {
              var mine = c.author === me;
              var hidden = c.private && !c.revealed;
              return keep(rows, c.id, {
                id: c.id,
                text: c.text,
                author: self.nameOf(c.author) + (mine ? " (" + L.you + ")" : ""),
                useful: !!c.useful,
                usefulStr: c.useful ? "true" : "false",
                hidden: hidden,
                flagged: mine && !!c.flag,
                flagText: c.flag ? L["hint_" + c.flag] || "" : "",
                editing: self.editing === c.id,
                showText: self.editing !== c.id,
                editId: "card-edit-" + c.id,
                editBtnId: "card-editbtn-" + c.id,
                canMark: !!self.may.mark && !hidden,
                markLabel: c.useful ? L.unmarkUseful : L.markUseful,
                canEdit: mine || self.isFac,
                editLabel: L.edit + ": " + c.text.slice(0, 40),
                removeLabel: L.remove + ": " + c.text.slice(0, 40),
                cls: "card" + (c.useful ? " is-useful" : "") + (hidden ? " is-hidden" : "") + (mine ? " is-mine" : ""),
              });
            });
          var pending = pendingAll
            .filter(function (c) {
              return c.args.kind === kind;
            })
            .map(function (c) {
              return { id: c.id, text: c.args.text };
            });
          var draft = self.drafts[kind] || "";
          var code = kind === "question" ? window.kringHints.check(draft, rules) : null;
          return {
            kind: kind,
            label: self.kindLabel(kind, true),
            count: list.length ? "(" + list.length + ")" : "",
            cards: list,
            pending: pending,
            empty: list.length === 0 && pending.length === 0,
            emptyText: L.noCards,
            canAdd: canAdd.indexOf(kind) >= 0,
            inputId: "add-" + kind,
            hintId: "hint-" + kind,
            draft: draft,
            hasHint: !!code,
            hint: code ? L["hint_" + code] : "",
            placeholder: self.K.has("placeholder_" + kind) ? L["placeholder_" + kind] : "",
            addLabel: self.f("addKind", { kind: self.addKindName(kind) }),
            addButton: L.add,
            cannotAdd: !draft.trim(),
          };
        });
      },
      addKindName: function (kind) {
        // "Vraag toevoegen" / "Add question": capitalised in Dutch, lower case in English.
        var label = this.kindLabel(kind);
        return this.$store.kring.lang === "en" ? label.toLowerCase() : label;
      },
      onDraft: function (ev) {
        var kind = ev.target.getAttribute("data-kind");
        this.drafts[kind] = ev.target.value;
      },
      onEnter: function (ev) {
        if (ev.shiftKey || ev.isComposing) return;
        ev.preventDefault();
        this.add(ev.target.getAttribute("data-kind"));
      },
      add: function (kind) {
        var self = this;
        var text = (this.drafts[kind] || "").trim();
        if (!text) return;
        this.drafts[kind] = "";
        this.cmd("card.add", { id: this.K.newId("k"), kind: kind, text: text.slice(0, 2000) }).then(function (r) {
          if (r.t === "error" && !self.drafts[kind]) self.drafts[kind] = text; // refused: keep what was typed
        });
      },
      mark: function (id) {
        var c = this.st.cards[id];
        if (c) this.cmd("card.mark", { id: id, useful: !c.useful });
      },
    });
  }

  // --- cards of earlier phases ---------------------------------------------------------------
  function earlierPanel() {
    var rows = Object.create(null); // card id -> its last row (see keep())
    return base({
      // Cards of other phases, by phase; cards whose phase is not in this method (kept from the
      // method used before a switch to the basic method) come first, under "from the earlier method".
      get phases() {
        var self = this;
        var st = this.st;
        if (!st) return [];
        var cards = st.cards || {};
        var byPhase = {};
        Object.keys(cards).forEach(function (cid) {
          var c = cards[cid];
          if (c.phase === st.phase.id) return;
          (byPhase[c.phase] = byPhase[c.phase] || []).push(Object.assign({ id: cid }, c));
        });
        var known = {};
        var groups = this.phaseList.map(function (p) {
          known[p.id] = true;
          return { id: p.id, title: self.tr(p.title), list: byPhase[p.id] || [] };
        });
        var other = [];
        Object.keys(byPhase).forEach(function (pid) {
          if (!known[pid]) other = other.concat(byPhase[pid]);
        });
        groups.unshift({ id: "~earlier-method", title: this.L.earlierMethod, list: other });
        return groups
          .filter(function (g) {
            return g.list.length > 0;
          })
          .map(function (g) {
            var list = g.list
              .sort(function (a, b) {
                return kindRank(a.kind) - kindRank(b.kind) || byAt(a, b);
              })
              .map(function (c) {
                return keep(rows, c.id, {
                  id: c.id,
                  kind: self.kindLabel(c.kind),
                  text: c.text,
                  author: self.nameOf(c.author),
                  cls: "card" + (c.useful ? " is-useful" : ""),
                });
              });
            return { id: g.id, title: g.title, cards: list };
          });
      },
      // The mind-map and the force field as read-only lists, in phases where their board is closed.
      get mindmapItems() {
        var mm = this.st && this.st.mindmap;
        if (!mm || this.K.tool("mindmap")) return [];
        var kids = {};
        Object.keys(mm.nodes).forEach(function (id) {
          (kids[mm.nodes[id].parent] = kids[mm.nodes[id].parent] || []).push(id);
        });
        var out = [];
        (function walk(parent, depth) {
          (kids[parent] || []).forEach(function (id) {
            out.push({ id: id, text: mm.nodes[id].text, cls: "earlier-node d" + Math.min(depth, 5) });
            walk(id, depth + 1);
          });
        })("root", 1);
        return out;
      },
      get hasMindmap() {
        return this.mindmapItems.length > 0;
      },
      get mindmapRoot() {
        return (this.st && this.st.mindmap.root) || "";
      },
      get forces() {
        var self = this;
        var ff = this.st && this.st.forcefield;
        if (!ff || this.K.tool("forcefield")) return [];
        return Object.keys(ff.forces).map(function (id) {
          var f = ff.forces[id];
          return { id: id, text: f.text, side: self.L["force_" + f.side] || f.side };
        });
      },
      get hasForces() {
        return this.forces.length > 0;
      },
      get hasAny() {
        return this.phases.length > 0 || this.hasMindmap || this.hasForces;
      },
      get summaryText() {
        var n = this.phases.reduce(function (a, p) {
          return a + p.cards.length;
        }, 0);
        var text = this.f("earlierPhases", { n: n });
        if (this.hasMindmap) text += " · " + this.f("earlierMindmapCount", { n: this.mindmapItems.length });
        if (this.hasForces) text += " · " + this.f("earlierForcesCount", { n: this.forces.length });
        return text;
      },
    });
  }

  // --- evaluation ------------------------------------------------------------------------------
  function evalPanel() {
    return base({
      content: 0,
      process: 0,
      learned: "",
      submitted: false,
      get visible() {
        // Still shown once closed, in its phase: that is when the means appear.
        var e = this.st && this.st.evaluation;
        return !!this.may.evaluate || (!!e && !!e.closed && this.K.tool("evaluation"));
      },
      get mine() {
        return (this.st && this.st.evaluation && this.st.evaluation.mine) || {};
      },
      options: function (chosen) {
        return [1, 2, 3, 4, 5].map(function (v) {
          return { v: v, checked: v === chosen };
        });
      },
      get contentOptions() {
        return this.options(this.content || this.mine.content || 0);
      },
      get processOptions() {
        return this.options(this.process || this.mine.process || 0);
      },
      setContent: function (v) {
        this.content = v;
      },
      setProcess: function (v) {
        this.process = v;
      },
      onLearned: function (ev) {
        this.learned = ev.target.value;
      },
      submit: function () {
        var args = {};
        if (this.content) args.content = this.content;
        if (this.process) args.process = this.process;
        if (this.learned.trim()) args.learned = this.learned.trim();
        if (!Object.keys(args).length) return;
        var self = this;
        this.cmd("eval.submit", args).then(function (r) {
          if (r && r.t === "ack") self.submitted = true;
        });
      },
      get summaryText() {
        var e = this.st && this.st.evaluation;
        if (!e || !e.n) return "";
        var parts = [this.f("evalCount", { n: e.n })];
        if (e.content.mean !== null) parts.push(this.L.evalContent + ": " + e.content.mean);
        if (e.process.mean !== null) parts.push(this.L.evalProcess + ": " + e.process.mean);
        return parts.join(" · ");
      },
    });
  }

  // --- people, roles and turns -----------------------------------------------------------------
  function roundOf(st) {
    var r = st && st.round;
    return r || null;
  }

  function peoplePanel() {
    return base({
      get r() {
        return roundOf(this.st);
      },
      get speaker() {
        var r = this.r;
        return r && !r.done ? r.order[r.index] : null;
      },
      get nextPid() {
        var r = this.r;
        return r && !r.done && r.index + 1 < r.order.length ? r.order[r.index + 1] : null;
      },
      get people() {
        var self = this;
        var st = this.st;
        if (!st) return [];
        var online = this.K.online;
        var me = this.me;
        var speaker = this.speaker;
        var next = this.nextPid;
        var L = this.L;
        var pids = Object.keys(st.participants);
        // Facilitators first, then the inbrenger, then everyone in join order.
        function rank(pid) {
          var roles = st.participants[pid].roles;
          if (roles.indexOf("facilitator") >= 0) return 0;
          if (roles.indexOf("inbrenger") >= 0) return 1;
          return 2;
        }
        pids.sort(function (a, b) {
          return rank(a) - rank(b);
        });
        return pids.map(function (pid) {
          var p = st.participants[pid];
          var on = !!online[pid];
          return {
            pid: pid,
            name: p.name + (pid === me ? " (" + L.you + ")" : ""),
            roles: ROLES.filter(function (r) {
              return p.roles.indexOf(r) >= 0;
            }).map(function (r) {
              return { id: r, label: self.roleLabel(r), cls: "role role-" + r };
            }),
            speaking: pid === speaker,
            next: pid === next,
            onlineText: on ? L.online : L.offline,
            dotCls: on ? "is-on" : "is-off",
            cls: "person" + (pid === speaker ? " is-speaking" : "") + (pid === next ? " is-next" : "") + (pid === me ? " is-me" : ""),
          };
        });
      },
      get onlineCount() {
        var st = this.st;
        if (!st) return "";
        var online = this.K.online;
        var n = Object.keys(st.participants).filter(function (p) {
          return online[p];
        }).length;
        return this.f("onlineOf", { n: n, m: Object.keys(st.participants).length });
      },
      get hasRound() {
        return !!this.r;
      },
      get running() {
        return !!this.r && !this.r.done;
      },
      get done() {
        return !!this.r && this.r.done;
      },
      get hasNext() {
        return !!this.nextPid;
      },
      get speakerName() {
        return this.speaker ? this.nameOf(this.speaker) : "";
      },
      get nextName() {
        return this.nextPid ? this.nameOf(this.nextPid) : "";
      },
      get roundMs() {
        var r = this.r;
        if (!r || !r.deadline) return 0;
        // A clock a few ms behind the server's must not show more than the turn's time box.
        return Math.min(r.deadline - this.K.now(), (r.seconds || Infinity) * 1000);
      },
      get roundTime() {
        return clock(this.roundMs);
      },
      get roundTimeCls() {
        return this.roundMs < 0 ? "is-over" : "";
      },
      get canPass() {
        return this.running && (this.speaker === this.me || !!this.may.timer);
      },
      pass: function () {
        this.cmd("round.next", {});
      },
    });
  }

  // --- timer controls (facilitator and timekeeper) ---------------------------------------------
  function timerPanel() {
    return base({
      minutesDraft: null,
      get visible() {
        return !!this.may.timer;
      },
      get t() {
        return (this.st && this.st.timer) || { running: false };
      },
      get minutes() {
        if (this.minutesDraft !== null) return this.minutesDraft;
        return this.cur ? this.cur.minutes : 10;
      },
      onMinutes: function (ev) {
        this.minutesDraft = ev.target.value;
      },
      get running() {
        return !!this.t.running;
      },
      get paused() {
        return !this.t.running;
      },
      start: function () {
        var m = parseFloat(this.minutes);
        if (!(m > 0)) return;
        this.cmd("timer.start", { seconds: Math.min(360 * 60, Math.round(m * 60)) });
        this.minutesDraft = null;
      },
      pause: function () {
        this.cmd("timer.pause", {});
      },
      resume: function () {
        this.cmd("timer.resume", {});
      },
      // One button for pause and resume, so keyboard focus stays on it when it flips.
      get toggleLabel() {
        return this.running ? this.L.timerPause : this.L.timerResume;
      },
      toggle: function () {
        if (this.running) this.pause();
        else this.resume();
      },
      addMinute: function () {
        this.cmd("timer.add", { seconds: 60 });
      },
    });
  }

  // --- facilitator controls --------------------------------------------------------------------
  function facPanel() {
    return base({
      gotoIndex: null,
      phaseMinDraft: null,
      endDraft: null,
      roundSeconds: 120,
      revealDraft: "",
      shuffle: false,
      copied: false,
      get visible() {
        return this.isFac;
      },
      get idx() {
        return this.st ? this.st.phase.index : 0;
      },
      get isFirst() {
        return this.idx === 0;
      },
      get isLast() {
        return this.idx >= this.phaseList.length - 1;
      },
      prev: function () {
        this.cmd("phase.prev", {});
      },
      next: function () {
        this.cmd("phase.next", {});
      },
      get phaseOptions() {
        var self = this;
        var sel = this.gotoIndex === null ? this.idx : this.gotoIndex;
        return this.phaseList.map(function (p, i) {
          return { v: i, sel: i === sel, label: i + 1 + ". " + self.tr(p.title) };
        });
      },
      onGoto: function (ev) {
        this.gotoIndex = parseInt(ev.target.value, 10);
        this.phaseMinDraft = null;
      },
      get target() {
        return this.gotoIndex === null ? this.idx : this.gotoIndex;
      },
      goto: function () {
        if (this.target !== this.idx) this.cmd("phase.goto", { index: this.target });
        this.gotoIndex = null;
      },
      get phaseMin() {
        if (this.phaseMinDraft !== null) return this.phaseMinDraft;
        var p = this.phaseList[this.target];
        return p ? p.minutes : "";
      },
      onPhaseMin: function (ev) {
        this.phaseMinDraft = ev.target.value;
      },
      setMinutes: function () {
        var m = parseInt(this.phaseMin, 10);
        if (m >= 1 && m <= 240) this.cmd("phase.minutes", { index: this.target, minutes: m });
        this.phaseMinDraft = null;
      },
      get endValue() {
        if (this.endDraft !== null) return this.endDraft;
        return this.st && this.st.meeting_end ? hhmm(this.st.meeting_end) : "";
      },
      onEnd: function (ev) {
        this.endDraft = ev.target.value;
      },
      setEnd: function () {
        var v = this.endValue;
        var at = null;
        var m = /^(\d{1,2}):(\d{2})$/.exec(v || "");
        if (m) {
          var d = new Date(this.K.now());
          d.setHours(parseInt(m[1], 10), parseInt(m[2], 10), 0, 0);
          if (d.getTime() < this.K.now() - 12 * 3600000) d.setDate(d.getDate() + 1);
          at = d.getTime();
        }
        this.cmd("meeting.end", { at: at });
        this.endDraft = null;
      },
      get roleRows() {
        var self = this;
        var st = this.st;
        if (!st) return [];
        var L = this.L;
        return Object.keys(st.participants).map(function (pid) {
          var p = st.participants[pid];
          return {
            pid: pid,
            name: p.name,
            canRemove: pid !== self.me,
            removeLabel: self.f("removePerson", { name: p.name }),
            groupLabel: self.f("rolesOf", { name: p.name }),
            roles: ROLES.map(function (r) {
              var on = p.roles.indexOf(r) >= 0;
              return {
                id: r,
                on: on,
                onStr: on ? "true" : "false",
                short: L["roleShort_" + r] || r,
                aria: (L["roleShort_" + r] || r) + ", " + self.roleLabel(r) + ": " + p.name,
                cls: "role-toggle role-" + r + (on ? " is-on" : ""),
              };
            }),
          };
        });
      },
      removePerson: function (pid) {
        if (window.confirm(this.f("confirmRemovePerson", { name: this.nameOf(pid) }))) {
          this.cmd("participant.remove", { pid: pid });
        }
      },
      toggleRole: function (pid, role, on) {
        this.cmd("role.assign", { pid: pid, role: role, on: !on });
      },
      get roundsOpen() {
        return this.K.tool("rounds") || !!(this.st && this.st.round);
      },
      get hasRound() {
        return !!(this.st && this.st.round);
      },
      get roundRunning() {
        return this.hasRound && !this.st.round.done;
      },
      onRoundSeconds: function (ev) {
        this.roundSeconds = ev.target.value;
      },
      onShuffle: function (ev) {
        this.shuffle = ev.target.checked;
      },
      startRound: function () {
        var st = this.st;
        var online = this.K.online;
        var order = Object.keys(st.participants).filter(function (pid) {
          return online[pid] && st.participants[pid].roles.indexOf("inbrenger") < 0;
        });
        var secs = Math.max(10, Math.min(3600, parseInt(this.roundSeconds, 10) || 120));
        this.cmd("round.start", { order: order, seconds: secs, shuffle: !!this.shuffle });
      },
      nextTurn: function () {
        this.cmd("round.next", {});
      },
      stopRound: function () {
        this.cmd("round.stop", {});
      },
      // Private cards are hidden from the facilitator too, so offer every private phase; the
      // default is this phase, or else the last private phase before it.
      get privatePhases() {
        var self = this;
        return this.phaseList
          .map(function (p, i) {
            return { v: p.id, i: i, label: i + 1 + ". " + self.tr(p.title), private: p.private };
          })
          .filter(function (o) {
            return o.private;
          });
      },
      get hasPrivate() {
        return this.privatePhases.length > 0;
      },
      get revealTarget() {
        if (this.revealDraft) return this.revealDraft;
        var idx = this.idx;
        var best = null;
        this.privatePhases.forEach(function (o) {
          if (o.i <= idx) best = o.v;
        });
        return best || (this.privatePhases[0] && this.privatePhases[0].v) || "";
      },
      get revealOptions() {
        var t = this.revealTarget;
        return this.privatePhases.map(function (o) {
          return { v: o.v, label: o.label, sel: o.v === t };
        });
      },
      onReveal: function (ev) {
        this.revealDraft = ev.target.value;
      },
      revealCards: function () {
        var phase = this.revealTarget;
        this.revealDraft = "";
        if (phase) this.cmd("cards.reveal", { phase: phase });
      },
      revealNotes: function () {
        if (window.confirm(this.L.confirmRevealNotes)) this.cmd("notes.reveal", {});
      },
      get joinUrl() {
        var k = this.K.joinKey;
        return k ? window.location.origin + "/r/" + encodeURIComponent(roomId()) + "#" + k : "";
      },
      get copyLabel() {
        return this.copied ? this.L.copied : this.L.copy;
      },
      selectAll: function (ev) {
        ev.target.select();
      },
      copyJoin: function () {
        var self = this;
        window.kringCopy(this.joinUrl, document.getElementById("fac-join"), function (on) {
          self.copied = on;
        });
      },
      get locked() {
        return !!(this.st && this.st.locked);
      },
      toggleLock: function (ev) {
        this.cmd("room.lock", { locked: ev.target.checked });
      },
      get waiting() {
        var self = this;
        var w = (this.st && this.st.waiting) || {};
        return Object.keys(w).map(function (pid) {
          return { pid: pid, name: w[pid].name, admitLabel: self.f("admitPerson", { name: w[pid].name }) };
        });
      },
      get hasWaiting() {
        return this.waiting.length > 0;
      },
      admit: function (pid) {
        this.cmd("participant.admit", { pid: pid });
      },
      get beamerOn() {
        return this.K.screens > 0;
      },
      rotateProjector: function () {
        this.cmd("projector.rotate", {});
      },
      revokeProjector: function () {
        this.cmd("projector.revoke", {});
      },
      get stats() {
        var self = this;
        var s = (this.st && this.st.stats) || {};
        return Object.keys(s).map(function (pid) {
          return { pid: pid, name: self.nameOf(pid), cards: s[pid].cards, turns: s[pid].turns, flagged: s[pid].flagged };
        });
      },
      get isBasic() {
        return !!this.st && this.st.method.id === "basis";
      },
      get canSwitch() {
        return !this.isBasic;
      },
      switchBasic: function () {
        if (window.confirm(this.L.confirmSwitch)) this.cmd("method.switch", { method: "basis" });
      },
      get projectorHref() {
        return projectorLink(this.K.projectorKey);
      },
      get reportHref() {
        return linkFor("/report");
      },
    });
  }


  // --- private notes ---------------------------------------------------------------------------
  function notesPanel() {
    return base(editor("note", "confirmRemoveNote"), {
      draft: "",
      get open() {
        return !!this.$store.ui.notes && !!this.st;
      },
      close: function () {
        this.$store.ui.notes = false;
        focusLater("notes-toggle");
      },
      get canWrite() {
        return !!this.may.notes;
      },
      get all() {
        var n = (this.st && this.st.notes) || {};
        return Object.keys(n).map(function (id) {
          return Object.assign({ id: id }, n[id]);
        });
      },
      get mine() {
        var me = this.me;
        var self = this;
        return this.all
          .filter(function (n) {
            return n.author === me;
          })
          .map(function (n) {
            return {
              id: n.id,
              text: n.text,
              revealed: n.revealed,
              editing: self.editing === n.id,
              showText: self.editing !== n.id,
              editId: "note-edit-" + n.id,
              editBtnId: "note-editbtn-" + n.id,
              editLabel: self.L.edit + ": " + n.text.slice(0, 40),
              removeLabel: self.L.remove + ": " + n.text.slice(0, 40),
            };
          });
      },
      get noMine() {
        return this.mine.length === 0;
      },
      get others() {
        var me = this.me;
        var self = this;
        var groups = {};
        this.all.forEach(function (n) {
          if (n.author === me || !n.revealed) return;
          (groups[n.author] = groups[n.author] || []).push({ id: n.id, text: n.text });
        });
        return Object.keys(groups).map(function (pid) {
          return { pid: pid, name: self.nameOf(pid), notes: groups[pid] };
        });
      },
      get hasOthers() {
        return this.others.length > 0;
      },
      onDraft: function (ev) {
        this.draft = ev.target.value;
      },
      get cannotAdd() {
        return !this.draft.trim();
      },
      add: function () {
        var self = this;
        var text = this.draft.trim();
        if (!text) return;
        this.draft = "";
        this.cmd("note.add", { id: this.K.newId("n"), text: text.slice(0, 2000) }).then(function (r) {
          if (r.t === "error" && !self.draft) self.draft = text; // refused: keep what was typed
        });
      },
    });
  }

  // --- meetings of an intervisie group: follow-up of earlier action plans, the next chair and
  // inbrenger, a werkvraag queued from the group page (state.followups, next_roles, queued) ------
  var FOLLOWUP = ["done", "partly", "not_yet"];

  function isoToday() {
    var d = new Date();
    var p = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate());
  }

  function longDate(iso, lang) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m) return iso || "";
    var d = new Date(+m[1], +m[2] - 1, +m[3]);
    return d.toLocaleDateString(window.kringI18n.locale(lang), { day: "numeric", month: "long", year: "numeric" });
  }

  function followupPanel() {
    return base({
      drafts: {}, // meeting -> {status, text} while a report is being written
      changing: {}, // meeting -> true when an earlier report is being changed
      get visible() {
        var st = this.st;
        return !!st && (st.followups || []).length > 0 && st.phase.index === 0;
      },
      get items() {
        var self = this;
        var L = this.L;
        var lang = this.K.lang;
        var today = isoToday();
        return ((this.st && this.st.followups) || []).map(function (f) {
          var mine = f.owner === self.me;
          var may = mine || self.isFac;
          var rep = f.report;
          var d = self.drafts[f.meeting] || { status: rep ? rep.status : "", text: rep ? rep.text : "" };
          var due = !!f.review_date && f.review_date < today;
          var plan = f.plan || {};
          return {
            key: f.meeting,
            owner: self.f("fuOwner", { name: f.owner_name }) + (mine ? " (" + L.you + ")" : ""),
            from: self.f("grpPlanFrom", { title: f.title, date: longDate(f.date, lang) }),
            action: plan.action || "",
            firstStep: plan.first_step || "",
            hasFirstStep: !!plan.first_step,
            review: f.review_date ? longDate(f.review_date, lang) : L.grpNoReview,
            due: due,
            cls: "fu-item" + (due ? " is-due" : ""),
            hasReport: !!rep,
            noReport: !rep,
            reportStatus: rep ? L["fuStatus_" + rep.status] || rep.status : "",
            reportCls: rep ? "badge badge-fu is-" + rep.status : "",
            reportText: rep ? rep.text : "",
            showForm: may && (!rep || !!self.changing[f.meeting]),
            showChange: may && !!rep && !self.changing[f.meeting],
            statuses: FOLLOWUP.map(function (v) {
              return { v: v, label: L["fuStatus_" + v], checked: d.status === v, name: "fu-status-" + f.meeting };
            }),
            textId: "fu-text-" + f.meeting,
            text: d.text,
            cannotSave: !d.status,
          };
        });
      },
      draftFor: function (meeting) {
        var f = (this.st.followups || []).filter(function (x) {
          return x.meeting === meeting;
        })[0];
        var rep = f && f.report;
        if (!this.drafts[meeting]) this.drafts[meeting] = { status: rep ? rep.status : "", text: rep ? rep.text : "" };
        return this.drafts[meeting];
      },
      onStatus: function (ev) {
        this.draftFor(ev.target.getAttribute("data-meeting")).status = ev.target.value;
      },
      onText: function (ev) {
        this.draftFor(ev.target.getAttribute("data-meeting")).text = ev.target.value;
      },
      change: function (meeting) {
        this.changing[meeting] = true;
      },
      submit: function (meeting) {
        var self = this;
        var d = this.draftFor(meeting);
        if (!d.status) return;
        this.cmd("followup.report", { meeting: meeting, status: d.status, text: d.text.trim() }).then(function (r) {
          if (r && r.t === "ack") {
            delete self.drafts[meeting];
            self.changing[meeting] = false;
          }
        });
      },
    });
  }

  function nextRolesPanel() {
    return base({
      chairDraft: null,
      inbrengerDraft: null,
      get visible() {
        return !!this.st && !!this.st.group && this.K.tool("evaluation");
      },
      get nr() {
        return (this.st && this.st.next_roles) || {};
      },
      get chairName() {
        return this.nr.chair ? this.nameOf(this.nr.chair) : this.L.grpNotChosen;
      },
      get inbrengerName() {
        return this.nr.inbrenger ? this.nameOf(this.nr.inbrenger) : this.L.grpNotChosen;
      },
      options: function (sel) {
        var st = this.st;
        var people = Object.keys((st && st.participants) || {}).map(function (pid) {
          return { v: pid, label: st.participants[pid].name, sel: pid === sel };
        });
        return [{ v: "", label: this.L.nextNobody, sel: !sel }].concat(people);
      },
      get chair() {
        return this.chairDraft !== null ? this.chairDraft : this.nr.chair || "";
      },
      get inbrenger() {
        return this.inbrengerDraft !== null ? this.inbrengerDraft : this.nr.inbrenger || "";
      },
      get chairOptions() {
        return this.options(this.chair);
      },
      get inbrengerOptions() {
        return this.options(this.inbrenger);
      },
      onChair: function (ev) {
        this.chairDraft = ev.target.value;
      },
      onInbrenger: function (ev) {
        this.inbrengerDraft = ev.target.value;
      },
      save: function () {
        var self = this;
        this.cmd("meeting.next", { chair: this.chair || null, inbrenger: this.inbrenger || null }).then(function (r) {
          if (r && r.t === "ack") {
            self.chairDraft = null;
            self.inbrengerDraft = null;
          }
        });
      },
    });
  }

  function queuedPanel() {
    return base({
      get items() {
        var q = (this.st && this.st.queued) || {};
        return Object.keys(q).map(function (id) {
          return { id: id, text: q[id].text };
        });
      },
      get visible() {
        return this.items.length > 0;
      },
    });
  }

  // --- screen-reader cues: time announcements and focus on a phase change ------------------------
  // A visually hidden polite live region speaks at sensible moments only: a new phase, the timer
  // started, paused or changed, 5 and 1 minute left, time up, and a new speaker in a round; never
  // every second (the visible timer has role="timer", which is not live). When the phase changes,
  // focus moves to the new phase's heading, unless the user is typing in a field.
  var CUE_MARKS = [0, 60000, 5 * 60000]; // checked in this order: the most urgent crossing wins

  function typingIn(el) {
    if (!el) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA") return true;
    return el.tagName === "INPUT" && !/^(button|submit|reset|checkbox|radio|range|color|file|image)$/i.test(el.type);
  }

  function roomCues() {
    var prev = null;
    var stopEffect = null;
    var sayTimer = null;
    return base({
      text: "",
      init: function () {
        var self = this;
        stopEffect = window.Alpine.effect(function () {
          var st = self.st; // subscribes to the view (see base())
          var now = self.K.now(); // ... and ticks every second
          if (st && st.waiting_for_admission) self.focusHeading("waiting-title", false);
          if (!st || !st.method || !st.method.phases.length || st.waiting_for_admission) return;
          var cur = self.snapshot(st, now);
          var last = prev;
          prev = cur;
          var phaseChanged = !!last && last.phase !== cur.phase;
          var text = self.cue(last, cur, st);
          if (text) self.say(text);
          if (phaseChanged || !last) self.focusHeading("phase-title", phaseChanged);
        });
      },
      destroy: function () {
        if (stopEffect && window.Alpine.release) window.Alpine.release(stopEffect);
        clearTimeout(sayTimer);
      },
      snapshot: function (st, now) {
        var t = st.timer || {};
        var r = st.round;
        return {
          index: st.phase.index,
          phase: st.phase.index + ":" + st.phase.started,
          running: !!t.running,
          deadline: t.deadline,
          ms: remaining(t, now),
          speaker: r && !r.done ? r.order[r.index] : null,
        };
      },
      duration: function (ms) {
        if (ms >= 60000) {
          var n = Math.round(ms / 60000);
          return this.f("cueMinutes", { n: n });
        }
        return this.f("cueSeconds", { n: Math.max(0, Math.ceil(ms / 1000)) });
      },
      cue: function (last, cur, st) {
        if (!last) return "";
        var parts = [];
        if (last.phase !== cur.phase) {
          var p = st.method.phases[cur.index];
          parts.push(this.f("cuePhase", { n: cur.index + 1, m: st.method.phases.length, title: this.tr(p.title) }));
          if (cur.running) parts.push(this.f("cueLeft", { time: this.duration(cur.ms) }));
        } else if (last.running !== cur.running || (cur.running && last.deadline !== cur.deadline)) {
          parts.push(this.f(cur.running ? "cueRunning" : "cuePaused", { time: this.duration(Math.max(0, cur.ms)) }));
        } else if (cur.running) {
          for (var i = 0; i < CUE_MARKS.length; i++) {
            var mark = CUE_MARKS[i];
            if (last.ms > mark && cur.ms <= mark) {
              parts.push(mark ? this.f("cueLeft", { time: this.duration(mark) }) : this.L.cueUp);
              break;
            }
          }
        }
        if (cur.speaker && cur.speaker !== last.speaker) {
          var who = this.nameOf(cur.speaker) + (cur.speaker === this.me ? " (" + this.L.you + ")" : "");
          parts.push(this.f("cueTurn", { name: who }));
        }
        return parts.join(" ");
      },
      say: function (text) {
        // Empty first, so the same words twice in a row are still read out.
        var self = this;
        this.text = "";
        clearTimeout(sayTimer);
        sayTimer = window.setTimeout(function () {
          self.text = text;
        }, 150);
      },
      // On a phase change, or when the room (or the waiting screen) first shows and focus is
      // nowhere, e.g. on the join button that just went away.
      focusHeading: function (id, changed) {
        this.$nextTick(function () {
          var h = document.getElementById(id);
          var active = document.activeElement;
          if (!h || !h.offsetParent || typingIn(active)) return;
          var lost = !active || active === document.body || !active.offsetParent;
          if (changed || lost) h.focus();
        });
      },
    });
  }

  document.addEventListener("alpine:init", function () {
    var A = window.Alpine;
    A.store("ui", { notes: false }); // page-local flags: is the notes drawer open
    A.data("roomBar", roomBar);
    A.data("room", room);
    A.data("roomCues", roomCues);
    A.data("casePanel", casePanel);
    A.data("cardsPanel", cardsPanel);
    A.data("earlierPanel", earlierPanel);
    A.data("evalPanel", evalPanel);
    A.data("peoplePanel", peoplePanel);
    A.data("timerPanel", timerPanel);
    A.data("facPanel", facPanel);
    A.data("notesPanel", notesPanel);
    A.data("followupPanel", followupPanel);
    A.data("nextRolesPanel", nextRolesPanel);
    A.data("queuedPanel", queuedPanel);
  });
})();
