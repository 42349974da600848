/* The cards of the current phase, by kind: adding (with the question hints of hints.js), marking
 * useful, editing one's own. Alpine.data('cardsPanel'). */
import { sentDraft } from "../core/drafts.js";
import { dict } from "../core/maps.js";
import { limits, pageData } from "../core/page.js";
import { component } from "../core/store.js";
import { fieldEditors } from "../core/typing.js";
import { checkKind, check as hintFor } from "../hints.js";
import { base, byAt, editor, keep, kindRank, memo, short } from "./base.js";

function cardsPanel() {
  var rows = dict(); // card id -> its last row (see keep())
  var kindsOf = memo();
  var titlesOf = memo();
  // Each card's row with the card object it was made from (card id -> {card, at, row}), kept while
  // nothing else a row shows changed (see groups): a patch that adds one card leaves every other
  // card the same object (core/patch.js), so only the new card's row is made.
  var madeFor = memo();
  return base(editor("card", "confirmRemove"), {
    drafts: dict(), // kind -> the text being written
    get phaseId() {
      return this.cur ? this.cur.id : null;
    },
    get kinds() {
      var self = this;
      var st = this.st;
      return kindsOf([st && st.cards, st && st.method, st && st.phase], function () {
        var id = self.phaseId;
        var kinds = (self.cur && self.cur.cards.slice()) || [];
        self.K.shownKinds().forEach(function (k) {
          if (kinds.indexOf(k) < 0) kinds.push(k);
        });
        var cards = (st && st.cards) || dict();
        Object.keys(cards).forEach(function (k) {
          var c = cards[k];
          if (c.phase === id && kinds.indexOf(c.kind) < 0) kinds.push(c.kind);
        });
        return Object.freeze(
          kinds.sort(function (a, b) {
            return kindRank(a) - kindRank(b);
          })
        );
      });
    },
    get visible() {
      return this.kinds.length > 0;
    },
    get groups() {
      var self = this;
      var K = this.K;
      var st = this.st;
      var me = this.me;
      var L = this.L;
      var id = this.phaseId;
      var cards = (st && st.cards) || dict();
      var may = this.may;
      var canAdd = may.cards || [];
      var canMark = !!may.mark;
      var isFac = !!may.facilitator;
      var editing = this.editing;
      var rules = pageData().hint_rules || [];
      var kindRules = pageData().kind_hint_rules || [];
      var phaseHints = (this.cur && this.cur.hints) || [];
      var onBoard = K.onBoard();
      // Everything a card's row shows besides the card itself, read here once per render (so Alpine
      // knows the rows depend on it): the language, the person, which card is being edited, the
      // permissions, the phase and the method's titles, people's names, who is typing where.
      var ctx = [K.lang, K.you, me, editing, canMark, isFac, id, st && st.method, st && st.participants, K.typing];
      var made = madeFor(ctx, dict);
      var titles = function () {
        return titlesOf([st && st.method, K.lang], function () {
          var out = dict();
          self.phaseList.forEach(function (p) {
            out[p.id] = self.tr(p.title);
          });
          return out;
        });
      };
      var rowOf = function (cid, c) {
        var mine = c.author === me;
        var hidden = c.private && !c.revealed;
        var earlier = c.phase !== id; // shown from an earlier phase: read-only here
        return keep(rows, cid, {
          id: cid,
          text: c.text,
          author: self.nameOf(c.author) + (mine ? " (" + L.you + ")" : ""),
          useful: !!c.useful,
          usefulStr: c.useful ? "true" : "false",
          hidden: hidden,
          flagged: mine && !!c.flag,
          flagText: c.flag ? L["hint_" + c.flag] || "" : "",
          editing: editing === cid,
          showText: editing !== cid,
          editId: "card-edit-" + cid,
          editDraft: editing === cid ? "card-edit-" + cid : null,
          key: "card." + cid,
          editors: fieldEditors(K, "cards", "card-edit-" + cid),
          editBtnId: "card-editbtn-" + cid,
          canMark: canMark && !hidden,
          markLabel: c.useful ? L.unmarkUseful : L.markUseful,
          canEdit: !earlier && (mine || isFac),
          from: earlier ? self.f("earlierFrom", { phase: titles()[c.phase] || c.phase }) : "",
          editLabel: L.edit + ": " + short(c.text),
          removeLabel: L.remove + ": " + short(c.text),
          cls:
            "card" +
            (c.useful ? " is-useful" : "") +
            (hidden ? " is-hidden" : "") +
            (mine ? " is-mine" : "") +
            (earlier ? " is-earlier" : ""),
        });
      };
      var byKind = dict();
      Object.keys(cards).forEach(function (cid) {
        var c = cards[cid];
        if (!onBoard(c)) return;
        var m = made[cid];
        if (!m || m.card !== c) m = made[cid] = { card: c, at: c.at, row: rowOf(cid, c) };
        (byKind[c.kind] = byKind[c.kind] || []).push(m);
      });
      var pendingAll = K.outbox.filter(function (c) {
        return c.type === "card.add" && !cards[c.args.id];
      });
      return this.kinds.map(function (kind) {
        var list = (byKind[kind] || []).sort(byAt).map(function (m) {
          return m.row;
        });
        var pending = pendingAll
          .filter(function (c) {
            return c.args.kind === kind;
          })
          .map(function (c) {
            return { id: c.id, text: c.args.text };
          });
        var draft = self.drafts[kind] || "";
        var code = kind === "question" ? hintFor(draft, rules) : checkKind(draft, kindRules, phaseHints);
        var addLabel = self.f("addKind", { kind: self.addKindName(kind) });
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
          placeholder: K.has("placeholder_" + kind) ? L["placeholder_" + kind] : "",
          addLabel: addLabel,
          addButton: L.add,
          // A skip link past every card's buttons to the box, for the keyboard (WCAG 2.4.1).
          skipToAdd: canAdd.indexOf(kind) >= 0 && list.length > 0,
          skipLabel: self.f("skipToAdd", { what: addLabel }),
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
    focusAdd: function (ev) {
      var box = document.getElementById(ev.currentTarget.getAttribute("data-target"));
      if (box) box.focus();
    },
    onEnter: function (ev) {
      if (ev.shiftKey || ev.isComposing) return;
      ev.preventDefault();
      this.add(ev.target.getAttribute("data-kind"));
    },
    add: function (kind) {
      var text = (this.drafts[kind] || "").trim();
      if (!text) return;
      var self = this;
      this.drafts[kind] = "";
      var sent = this.cmd("card.add", { id: this.K.newId("k"), kind: kind, text: text.slice(0, limits().card) });
      sentDraft("card-" + kind, text, sent).then(function (r) {
        if (r.t === "error" && !self.drafts[kind]) self.drafts[kind] = text; // refused: keep what was typed
      });
    },
    mark: function (id) {
      var c = this.st.cards[id];
      if (c) this.cmd("card.mark", { id: id, useful: !c.useful });
    },
  });
}

component("cardsPanel", cardsPanel);
