/* The knowledge input beside the case (server/rooms/knowledge.py): a short text with an optional
 * link, which the facilitator attaches and everyone reads. The link is shown as a link that opens in
 * a new tab without a referrer, and as text to copy; nothing fetches it. Alpine.data('knowledgePanel'). */
import { sentDraft } from "../core/drafts.js";
import { limits } from "../core/page.js";
import { component } from "../core/store.js";
import { errorIn } from "../tools/board.js";
import { base } from "./base.js";

function knowledgePanel() {
  return base({
    editing: false,
    error: "",
    get k() {
      return (this.st && this.st.knowledge) || null;
    },
    get has() {
      return !!this.k;
    },
    get visible() {
      return this.has || this.isFac;
    },
    get title() {
      return (this.k && this.k.title) || this.L.knowledgeTitle;
    },
    get text() {
      return (this.k && this.k.text) || "";
    },
    get link() {
      return (this.k && this.k.link) || "";
    },
    get hasLink() {
      return !!this.link;
    },
    get canEdit() {
      return this.isFac;
    },
    get showForm() {
      return this.canEdit && this.editing;
    },
    get showEditButton() {
      return this.canEdit && !this.editing;
    },
    get hasError() {
      return !!this.error;
    },
    open: function () {
      this.editing = true;
      var k = this.k;
      this.$nextTick(function () {
        var t = document.getElementById("kn-title");
        var x = document.getElementById("kn-text");
        var l = document.getElementById("kn-link");
        if (k && t && !t.value) t.value = k.title;
        if (k && x && !x.value) x.value = k.text;
        if (k && l && !l.value) l.value = k.link;
        if (x) x.focus();
      });
    },
    close: function () {
      this.editing = false;
    },
    save: function () {
      var self = this;
      var title = document.getElementById("kn-title").value.trim();
      var text = document.getElementById("kn-text").value.trim().slice(0, limits().text);
      var link = document.getElementById("kn-link").value.trim();
      this.error = "";
      var sent = Promise.resolve(this.cmd("knowledge.set", { title: title, text: text, link: link })).then(function (r) {
        if (r && r.t === "ack") self.editing = false;
        if (r && r.t === "error") self.error = errorIn(self.$store.kring, r.code);
        return r;
      });
      sentDraft("kn-text", text, sent);
    },
    copyLink: function () {
      if (navigator.clipboard && this.link) navigator.clipboard.writeText(this.link);
    },
  });
}

component("knowledgePanel", knowledgePanel);
