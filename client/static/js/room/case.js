/* The case: the werkvraag and its reformulation, with the werkvraag checklist (a writing aid, not
 * a rule). Alpine.data('casePanel'). */
import { withConflicts, fillBox } from "../core/conflicts.js";
import { focusLater } from "../core/dom.js";
import { draftBase, getDraft, sentDraft } from "../core/drafts.js";
import { component } from "../core/store.js";
import { fieldEditors } from "../core/typing.js";
import { checklist } from "../werkvraag.js";
import { base } from "./base.js";

// The two texts: their draft names, versions, and the component's text and base properties.
var FIELDS = {
  "case.question": { draft: "case-question", text: "qDraft", base: "qBase", cmd: "case.set", arg: "question" },
  "case.reformulation": { draft: "case-reform", text: "rDraft", base: "rBase", cmd: "case.reformulate", arg: "text" },
};

function casePanel() {
  return base(withConflicts({}), {
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
      // A draft kept over a reload still names the version it was started from.
      this.qBase = draftBase("case-question", v["case.question"] || 0);
      this.rBase = draftBase("case-reform", v["case.reformulation"] || 0);
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
      if (!this.cannotSaveQ) this.saveField("case.question", this.qDraft.trim(), this.qBase);
    },
    saveReform: function () {
      if (!this.cannotSaveR) this.saveField("case.reformulation", this.rDraft.trim(), this.rBase);
    },
    // A stale base is refused (conflict): the text stays, as a draft, and the panel offers the choices.
    saveField: function (key, text, base) {
      var F = FIELDS[key];
      var self = this;
      var args = { base: base };
      args[F.arg] = text;
      var sent = this.cmd(F.cmd, args).then(function (r) {
        if (r && r.t === "ack") self[F.base] = r.seq;
        self.conflictFrom(key, F.draft, text, r);
        return r;
      });
      sentDraft(F.draft, text, sent);
    },
    resolveConflict: function (key, how, c) {
      var F = FIELDS[key];
      this[F.base] = c.version;
      if (how === "mine") this.saveField(key, c.mine, c.version);
      else if (how === "theirs") this[F.text] = c.theirs;
      else fillBox(document.getElementById(F.draft), c.merged, F.draft, c.version);
    },
    get qEditors() {
      return fieldEditors(this.$store.kring, "case", "case-question");
    },
    get rEditors() {
      return fieldEditors(this.$store.kring, "case", "case-reform");
    },
    // A writing aid, not a rule (client/static/js/werkvraag.js).
    get checklist() {
      return checklist(this.qDraft, this.L);
    },
  });
}

component("casePanel", casePanel);
