/* The case: the werkvraag and its reformulation, with the werkvraag checklist (a writing aid, not
 * a rule). Alpine.data('casePanel'). */
import { focusLater } from "../core/dom.js";
import { getDraft, sentDraft } from "../core/drafts.js";
import { component } from "../core/store.js";
import { checklist } from "../werkvraag.js";
import { base } from "./base.js";

function casePanel() {
  return base({
    editorOpen: false,
    qDraft: "",
    rDraft: "",
    qBase: 0, // the versions (docs/protocol.md, "Concurrent edits") the texts start from
    rBase: 0,
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
      var v = (this.st && this.st.versions) || {};
      this.qBase = v["case.question"] || 0;
      this.rBase = v["case.reformulation"] || 0;
      this.qDraft = getDraft("case-question") || this.c.question;
      this.rDraft = getDraft("case-reform") || this.c.reformulation;
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
      var q = this.qDraft.trim();
      if (this.cannotSaveQ) return;
      var self = this;
      // A stale base is refused (conflict): the text stays, as a draft, and nothing is overwritten.
      var sent = this.cmd("case.set", { question: q, base: this.qBase }).then(function (r) {
        if (r && r.t === "ack") self.qBase = r.seq;
        return r;
      });
      sentDraft("case-question", q, sent);
    },
    saveReform: function () {
      var t = this.rDraft.trim();
      if (this.cannotSaveR) return;
      var self = this;
      var sent = this.cmd("case.reformulate", { text: t, base: this.rBase }).then(function (r) {
        if (r && r.t === "ack") self.rBase = r.seq;
        return r;
      });
      sentDraft("case-reform", t, sent);
    },
    // A writing aid, not a rule (client/static/js/werkvraag.js).
    get checklist() {
      return checklist(this.qDraft, this.L);
    },
  });
}

component("casePanel", casePanel);
