/* Meetings of an intervisie group: the follow-up of earlier action plans, the next chair and
 * inbrenger, a werkvraag queued from the group page (state.followups, next_roles, queued).
 * Alpine.data('followupPanel'), ('nextRolesPanel'), ('queuedPanel'). */
import { sentDraft } from "../core/drafts.js";
import { dict } from "../core/maps.js";
import { enums } from "../core/page.js";
import { component } from "../core/store.js";
import { isoToday, longDate } from "../core/time.js";
import { base } from "./base.js";

function followupPanel() {
  return base({
    drafts: dict(), // meeting -> {status, text} while a report is being written
    changing: dict(), // meeting -> true when an earlier report is being changed
    get visible() {
      var st = this.st;
      return !!st && (st.followups || []).length > 0 && st.phase.index === 0;
    },
    get items() {
      var self = this;
      var L = this.L;
      var lang = this.K.lang;
      var today = isoToday();
      return ((this.st && this.st.followups) || []).map(function (f) {
        var mine = f.owner === self.me;
        var may = mine || self.isFac;
        var rep = f.report;
        var d = self.drafts[f.meeting] || { status: rep ? rep.status : "", text: rep ? rep.text : "" };
        var due = !!f.review_date && f.review_date < today;
        var plan = f.plan || dict();
        return {
          key: f.meeting,
          owner: self.f("fuOwner", { name: f.owner_name }) + (mine ? " (" + L.you + ")" : ""),
          from: self.f("grpPlanFrom", { title: f.title, date: longDate(f.date, lang) }),
          action: plan.action || "",
          firstStep: plan.first_step || "",
          hasFirstStep: !!plan.first_step,
          review: f.review_date ? longDate(f.review_date, lang) : L.grpNoReview,
          due: due,
          cls: "fu-item" + (due ? " is-due" : ""),
          hasReport: !!rep,
          noReport: !rep,
          reportStatus: rep ? L["fuStatus_" + rep.status] || rep.status : "",
          reportCls: rep ? "badge badge-fu is-" + rep.status : "",
          reportText: rep ? rep.text : "",
          showForm: may && (!rep || !!self.changing[f.meeting]),
          showChange: may && !!rep && !self.changing[f.meeting],
          statuses: enums().followup_status.map(function (v) {
            return { v: v, label: L["fuStatus_" + v], checked: d.status === v, name: "fu-status-" + f.meeting };
          }),
          textId: "fu-text-" + f.meeting,
          text: d.text,
          cannotSave: !d.status,
        };
      });
    },
    draftFor: function (meeting) {
      var f = (this.st.followups || []).filter(function (x) {
        return x.meeting === meeting;
      })[0];
      var rep = f && f.report;
      if (!this.drafts[meeting]) this.drafts[meeting] = { status: rep ? rep.status : "", text: rep ? rep.text : "" };
      return this.drafts[meeting];
    },
    onStatus: function (ev) {
      this.draftFor(ev.target.getAttribute("data-meeting")).status = ev.target.value;
    },
    onText: function (ev) {
      this.draftFor(ev.target.getAttribute("data-meeting")).text = ev.target.value;
    },
    change: function (meeting) {
      this.changing[meeting] = true;
    },
    submit: function (meeting) {
      var self = this;
      var d = this.draftFor(meeting);
      if (!d.status) return;
      var text = d.text.trim();
      var sent = this.cmd("followup.report", { meeting: meeting, status: d.status, text: text }).then(function (r) {
        if (r && r.t === "ack") {
          delete self.drafts[meeting];
          self.changing[meeting] = false;
        }
        return r;
      });
      sentDraft("fu-text-" + meeting, text, sent); // the report's text is kept until it is sent

    },
  });
}

function nextRolesPanel() {
  return base({
    chairDraft: null,
    inbrengerDraft: null,
    get visible() {
      return !!this.st && !!this.st.group && this.K.tool("evaluation");
    },
    get nr() {
      return (this.st && this.st.next_roles) || dict();
    },
    get chairName() {
      return this.nr.chair ? this.nameOf(this.nr.chair) : this.L.grpNotChosen;
    },
    get inbrengerName() {
      return this.nr.inbrenger ? this.nameOf(this.nr.inbrenger) : this.L.grpNotChosen;
    },
    options: function (sel) {
      var st = this.st;
      var people = Object.keys((st && st.participants) || dict()).map(function (pid) {
        return { v: pid, label: st.participants[pid].name, sel: pid === sel };
      });
      return [{ v: "", label: this.L.nextNobody, sel: !sel }].concat(people);
    },
    get chair() {
      return this.chairDraft !== null ? this.chairDraft : this.nr.chair || "";
    },
    get inbrenger() {
      return this.inbrengerDraft !== null ? this.inbrengerDraft : this.nr.inbrenger || "";
    },
    get chairOptions() {
      return this.options(this.chair);
    },
    get inbrengerOptions() {
      return this.options(this.inbrenger);
    },
    onChair: function (ev) {
      this.chairDraft = ev.target.value;
    },
    onInbrenger: function (ev) {
      this.inbrengerDraft = ev.target.value;
    },
    save: function () {
      var self = this;
      this.cmd("meeting.next", { chair: this.chair || null, inbrenger: this.inbrenger || null }).then(function (r) {
        if (r && r.t === "ack") {
          self.chairDraft = null;
          self.inbrengerDraft = null;
        }
      });
    },
  });
}

function queuedPanel() {
  return base({
    get items() {
      var q = (this.st && this.st.queued) || dict();
      return Object.keys(q).map(function (id) {
        return { id: id, text: q[id].text };
      });
    },
    get visible() {
      return this.items.length > 0;
    },
  });
}

component("followupPanel", followupPanel);
component("nextRolesPanel", nextRolesPanel);
component("queuedPanel", queuedPanel);
