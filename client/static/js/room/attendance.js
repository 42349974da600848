/* Attendance at the end of a group meeting (docs/privacy.md: personal data), for its facilitator
 * (the chair or the programme's begeleider) only: who came in, as the server recorded it
 * (state.attendance.seen), confirmed or corrected with `attendance.confirm`; the members' statement
 * of participation counts only what is confirmed. Alpine.data('attendancePanel'). */
import { dict } from "../core/maps.js";
import { component } from "../core/store.js";
import { hhmm } from "../core/time.js";
import { base } from "./base.js";

function attendancePanel() {
  return base({
    draft: null, // pid -> present, while the facilitator corrects the list
    busy: false,
    get att() {
      return (this.st && this.st.attendance) || null;
    },
    // The end of the meeting: its evaluation is open, or it is in its last phase.
    get visible() {
      var st = this.st;
      if (!st || !st.group || !this.isFac || !this.att) return false;
      return this.K.tool("evaluation") || st.phase.index === st.method.phases.length - 1;
    },
    get confirmed() {
      return this.att && this.att.confirmed ? this.att.confirmed : null;
    },
    get isConfirmed() {
      return !!this.confirmed;
    },
    get statusText() {
      return this.isConfirmed
        ? this.f("attConfirmedN", { n: this.confirmed.length })
        : this.L.attUnconfirmed;
    },
    present: function (pid) {
      if (this.draft && pid in this.draft) return this.draft[pid];
      if (this.confirmed) return this.confirmed.indexOf(pid) >= 0;
      return !!(this.att && this.att.seen && pid in this.att.seen);
    },
    get rows() {
      var self = this;
      var seen = (this.att && this.att.seen) || dict();
      var people = (this.st && this.st.participants) || dict();
      return Object.keys(people).map(function (pid) {
        return {
          pid: pid,
          id: "att-" + pid,
          name: people[pid].name,
          checked: self.present(pid),
          seen: pid in seen ? self.f("attSeenAt", { t: hhmm(seen[pid]) }) : self.L.attNotSeen,
        };
      });
    },
    get saveLabel() {
      return this.isConfirmed ? this.L.attCorrect : this.L.attConfirm;
    },
    onCheck: function (ev) {
      if (!this.draft) this.draft = dict();
      this.draft[ev.target.dataset.pid] = ev.target.checked;
    },
    save: function () {
      if (this.busy) return;
      var self = this;
      var present = this.rows
        .filter(function (r) {
          return r.checked;
        })
        .map(function (r) {
          return r.pid;
        });
      this.busy = true;
      this.cmd("attendance.confirm", { present: present }).then(function (r) {
        self.busy = false;
        if (r && r.t === "ack") self.draft = null;
      });
    },
  });
}

component("attendancePanel", attendancePanel);
