/* Planning a meeting: the group's facilitator, or the chair chosen at the last evaluation.
 * Alpine.data('groupNewMeeting'). */
import { component } from "../core/store.js";
import { BASIC } from "./api.js";
import { base } from "./base.js";

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

component("groupNewMeeting", groupNewMeeting);
