/* The cards of the current phase, by kind: adding (with the question hints of hints.js), marking
 * useful, editing one's own. Alpine.data('cardsPanel'). */
import { sentDraft } from "../core/drafts.js";
import { dict } from "../core/maps.js";
import { limits, pageData } from "../core/page.js";
import { component } from "../core/store.js";
import { fieldEditors } from "../core/typing.js";
import { checkKind, check as hintFor } from "../hints.js";
import { base, byAt, editor, keep, kindRank, short } from "./base.js";

function cardsPanel() {
  var rows = dict(); // card id -> its last row (see keep())
  return base(editor("card", "confirmRemove"), {
    drafts: dict(), // kind -> the text being written
    get phaseId() {
      return this.cur ? this.cur.id : null;
    },
    get kinds() {
      var id = this.phaseId;
      var kinds = (this.cur && this.cur.cards.slice()) || [];
      this.K.shownKinds().forEach(function (k) {
        if (kinds.indexOf(k) < 0) kinds.push(k);
      });
      var cards = (this.st && this.st.cards) || dict();
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
      var cards = (st && st.cards) || dict();
      var canAdd = this.may.cards || [];
      var rules = pageData().hint_rules || [];
      var kindRules = pageData().kind_hint_rules || [];
      var phaseHints = (this.cur && this.cur.hints) || [];
      var onBoard = this.K.onBoard();
      var titles = dict();
      this.phaseList.forEach(function (p) {
        titles[p.id] = self.tr(p.title);
      });
      var pendingAll = this.K.outbox.filter(function (c) {
        return c.type === "card.add" && !cards[c.args.id];
      });
      return this.kinds.map(function (kind) {
        var list = Object.keys(cards)
          .map(function (cid) {
            return Object.assign({ id: cid }, cards[cid]);
          })
          .filter(function (c) {
            return c.kind === kind && onBoard(c);
          })
          .sort(byAt)
          .map(function (c) {
            var mine = c.author === me;
            var hidden = c.private && !c.revealed;
            var earlier = c.phase !== id; // shown from an earlier phase: read-only here
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
              editDraft: self.editing === c.id ? "card-edit-" + c.id : null,
              key: "card." + c.id,
              editors: fieldEditors(self.$store.kring, "cards", "card-edit-" + c.id),
              editBtnId: "card-editbtn-" + c.id,
              canMark: !!self.may.mark && !hidden,
              markLabel: c.useful ? L.unmarkUseful : L.markUseful,
              canEdit: !earlier && (mine || self.isFac),
              from: earlier ? self.f("earlierFrom", { phase: titles[c.phase] || c.phase }) : "",
              editLabel: L.edit + ": " + short(c.text),
              removeLabel: L.remove + ": " + short(c.text),
              cls:
                "card" +
                (c.useful ? " is-useful" : "") +
                (hidden ? " is-hidden" : "") +
                (mine ? " is-mine" : "") +
                (earlier ? " is-earlier" : ""),
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
        var code = kind === "question" ? hintFor(draft, rules) : checkKind(draft, kindRules, phaseHints);
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
          // A skip link past every card's buttons to the box, for the keyboard (WCAG 2.4.1).
          skipToAdd: canAdd.indexOf(kind) >= 0 && list.length > 0,
          skipLabel: self.f("skipToAdd", { what: self.f("addKind", { kind: self.addKindName(kind) }) }),
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
