/* The room's top bar: title, method, connection state, and the notes, group, projector and report
 * links. Alpine.data('roomBar'). */
import { focusLater } from "../core/dom.js";
import { dict } from "../core/maps.js";
import { component } from "../core/store.js";
import { base, linkFor, projectorLink } from "./base.js";

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
      return !!this.may.notes || Object.keys((this.st && this.st.notes) || dict()).length > 0;
    },
    get notesOpen() {
      return !!this.$store.ui.notes;
    },
    get notesLabel() {
      var n = Object.keys((this.st && this.st.notes) || dict()).length;
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

component("roomBar", roomBar);
