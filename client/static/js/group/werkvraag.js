/* A werkvraag for the upcoming meeting, with the checklist (werkvraag.js); what was sent is kept in
 * this browser. Alpine.data('groupWerkvraag'). */
import { limits } from "../core/page.js";
import { lsJSON, lsSet } from "../core/storage.js";
import { component } from "../core/store.js";
import { checklist, sentences } from "../werkvraag.js";
import { groupId } from "./api.js";
import { base } from "./base.js";

function groupWerkvraag() {
  return base({
    text: "",
    busy: false,
    error: "",
    sent: [],
    init: function () {
      var sent = lsJSON("kring:werkvraag:" + groupId(), []);
      this.sent = Array.isArray(sent) ? sent : [];
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
      return checklist(this.text, this.L);
    },
    get tooLong() {
      return sentences(this.text) > limits().sentences;
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

component("groupWerkvraag", groupWerkvraag);
