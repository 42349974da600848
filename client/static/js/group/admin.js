/* The group's facilitator: the invite link and the rotating chair. Alpine.data('groupAdmin'). */
import { copyText } from "../core/copy.js";
import { component } from "../core/store.js";
import { groupId } from "./api.js";
import { base } from "./base.js";

function groupAdmin() {
  return base({
    copied: false,
    busy: false,
    error: "",
    get visible() {
      return this.ready && this.isAdmin;
    },
    get inviteUrl() {
      var k = this.v && this.v.join_key;
      return k ? window.location.origin + "/g/" + encodeURIComponent(groupId()) + "#" + k : "";
    },
    get copyLabel() {
      return this.copied ? this.L.copied : this.L.copy;
    },
    selectAll: function (ev) {
      ev.target.select();
    },
    copyInvite: function () {
      var self = this;
      copyText(this.inviteUrl, document.getElementById("grp-invite"), function (on) {
        self.copied = on;
      });
    },
    get rotating() {
      return !!this.v && this.v.group.rotating_chair;
    },
    get hasError() {
      return !!this.error;
    },
    toggleRotating: function (ev) {
      var self = this;
      var on = ev.target.checked;
      this.error = "";
      this.G.cmd("group.settings", { rotating_chair: on }).then(function (r) {
        if (!r.ok) {
          self.error = self.errText(r);
          ev.target.checked = !on;
        }
      });
    },
  });
}

component("groupAdmin", groupAdmin);
