/* The group's meetings: the next one, and all of them. Alpine.data('groupMeetings'). */
import { component } from "../core/store.js";
import { remember } from "./api.js";
import { base } from "./base.js";

function meetingRow(self, m, i) {
  var L = self.L;
  var status = m.status || "next";
  var title = m.title || self.tr(m.method_name);
  return {
    room: m.room,
    num: i + 1,
    title: title,
    when: m.date ? self.date(m.date) : L.grpNoDate,
    method: self.tr(m.method_name),
    status: L["grpStatus_" + status] || status,
    statusCls: "badge badge-status is-" + status,
    cls: "meeting is-" + status,
    question: m.question || "",
    hasQuestion: !!m.question,
    inbrenger: m.inbrenger ? self.f("grpInbrengerIs", { name: self.memberName(m.inbrenger) }) : "",
    hasInbrenger: !!m.inbrenger,
    chair: m.chair ? self.f("grpChairIs", { name: self.memberName(m.chair) }) : "",
    roles: [m.chair ? self.f("grpChairIs", { name: self.memberName(m.chair) }) : ""]
      .concat(m.inbrenger ? [self.f("grpInbrengerIs", { name: self.memberName(m.inbrenger) })] : [])
      .filter(Boolean)
      .join(" · "),
    isPast: status === "past",
    reportHref: "/r/" + encodeURIComponent(m.room) + "/report#" + encodeURIComponent(m.join_key),
    reportLabel: L.grpReport + ": " + title,
    openLabel: L.grpOpenMeeting + ": " + title,
    isMember: !!m.token,
  };
}

function groupMeetings() {
  return base({
    get list() {
      var self = this;
      var ms = (this.v && this.v.meetings) || [];
      return ms
        .map(function (m, i) {
          return meetingRow(self, m, i);
        })
        .reverse();
    },
    get hasMeetings() {
      return this.list.length > 0;
    },
    get noMeetings() {
      return this.list.length === 0;
    },
    get nextRaw() {
      return this.upcoming;
    },
    get next() {
      var ms = (this.v && this.v.meetings) || [];
      var n = this.nextRaw;
      return n ? meetingRow(this, n, ms.indexOf(n)) : null;
    },
    get hasNext() {
      return !!this.nextRaw;
    },
    get noNext() {
      return !this.nextRaw;
    },
    get nextTitle() {
      return this.next ? this.next.title : "";
    },
    get nextWhen() {
      return this.next ? this.next.when : "";
    },
    get nextMethod() {
      return this.next ? this.f("grpMethodIs", { name: this.next.method }) : "";
    },
    get nextStatus() {
      return this.next ? this.next.status : "";
    },
    get nextStatusCls() {
      return this.next ? this.next.statusCls : "";
    },
    get nextChair() {
      return this.next ? this.next.chair : "";
    },
    get nextInbrenger() {
      return this.next ? this.next.inbrenger : "";
    },
    get nextHasInbrenger() {
      return !!this.next && this.next.hasInbrenger;
    },
    get nextRoom() {
      return this.next ? this.next.room : "";
    },
    get nextOpenLabel() {
      return this.next ? this.next.openLabel : "";
    },
    get noNextText() {
      return this.isAdmin || this.isChair ? this.L.grpNoNextPlan : this.L.grpNoNext;
    },
    open: function (room) {
      var m = ((this.v && this.v.meetings) || []).filter(function (x) {
        return x.room === room;
      })[0];
      if (!m) return;
      remember(m, this.you.name);
      window.location.href = "/r/" + encodeURIComponent(room) + "#" + encodeURIComponent(m.join_key);
    },
    // The report page reads the member's room token from the same place as the room page.
    rememberFor: function (room) {
      var m = ((this.v && this.v.meetings) || []).filter(function (x) {
        return x.room === room;
      })[0];
      if (m) remember(m, this.you.name);
    },
  });
}

component("groupMeetings", groupMeetings);
