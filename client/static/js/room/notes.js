/* Private notes, in a drawer: one's own, and the revealed notes of others.
 * Alpine.data('notesPanel'). */
import { focusLater } from "../core/dom.js";
import { sentDraft } from "../core/drafts.js";
import { dict } from "../core/maps.js";
import { limits } from "../core/page.js";
import { component } from "../core/store.js";
import { base, editor, short } from "./base.js";

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
      var n = (this.st && this.st.notes) || dict();
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
            editDraft: self.editing === n.id ? "note-edit-" + n.id : null,
            editBtnId: "note-editbtn-" + n.id,
            editLabel: self.L.edit + ": " + short(n.text),
            removeLabel: self.L.remove + ": " + short(n.text),
          };
        });
    },
    get noMine() {
      return this.mine.length === 0;
    },
    get others() {
      var me = this.me;
      var self = this;
      var groups = dict();
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
      var text = this.draft.trim();
      if (!text) return;
      var self = this;
      this.draft = "";
      sentDraft("note-new", text, this.cmd("note.add", { id: this.K.newId("n"), text: text.slice(0, limits().card) })).then(function (r) {
        if (r.t === "error" && !self.draft) self.draft = text; // refused: keep what was typed
      });
    },
  });
}

component("notesPanel", notesPanel);
