/* Continue on another device (server/transfer.py): this device asks for a single-use link that
 * expires within minutes and shows it with a copy button; opening it elsewhere makes that browser
 * this same participant (client/static/js/continue.js). For facilitators, a warning when two
 * people share a name: often one person on two devices. Alpine.data('devicePanel'). */
import { copyText } from "../core/copy.js";
import { component } from "../core/store.js";
import { hhmm } from "../core/time.js";
import { base, myKey, roomId } from "./base.js";

function devicePanel() {
  return base({
    link: "",
    until: 0,
    failed: false,
    copied: false,
    get joined() {
      return !!this.me && !!this.st;
    },
    get hasLink() {
      return !!this.link;
    },
    get untilText() {
      return this.f("deviceUntil", { time: hhmm(this.until) });
    },
    get copyLabel() {
      return this.copied ? this.L.copied : this.L.copy;
    },
    make: function () {
      var self = this;
      var rec = this.K.saved(roomId()) || {};
      this.failed = false;
      fetch("/r/" + encodeURIComponent(roomId()) + "/transfer", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ key: myKey(), token: rec.token || "" }),
      })
        .then(function (r) {
          return r.ok ? r.json() : null;
        })
        .catch(function () {
          return null;
        })
        .then(function (body) {
          if (!body || !body.transfer) {
            self.failed = true;
            return;
          }
          // The name after the secret ("~"), so the other device can say whom it continues as.
          var name = (self.st.participants[self.me] || {}).name || "";
          self.link =
            window.location.origin + "/r/" + encodeURIComponent(roomId()) + "/continue#" + body.transfer + "~" + encodeURIComponent(name);
          self.until = body.until;
          self.copied = false;
          self.$nextTick(function () {
            var box = document.getElementById("device-link");
            if (box) box.focus();
          });
        });
    },
    selectAll: function (ev) {
      ev.target.select();
    },
    copy: function () {
      var self = this;
      copyText(this.link, document.getElementById("device-link"), function (on) {
        self.copied = on;
      });
    },
    // Two people with one name (case and spaces aside): the facilitator is told.
    get duplicates() {
      var st = this.st;
      if (!st || !this.isFac) return [];
      var seen = {};
      var dup = [];
      Object.keys(st.participants).forEach(function (pid) {
        var n = st.participants[pid].name.trim().toLowerCase();
        if (seen[n] === 1) dup.push(st.participants[pid].name);
        seen[n] = (seen[n] || 0) + 1;
      });
      return dup;
    },
    get hasDuplicates() {
      return this.duplicates.length > 0;
    },
    get duplicateText() {
      return this.f("deviceDuplicate", { names: this.duplicates.join(", ") });
    },
  });
}

component("devicePanel", devicePanel);
