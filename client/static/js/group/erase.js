/* Erasing data (docs/privacy.md): a member's own data ("member.erase"), which the group's
 * facilitator may also do for any member or removed member, and the whole group with all its
 * meetings ("group.erase", the group's facilitator). Alpine.data('groupErase'). */
import { dict } from "../core/maps.js";
import { component } from "../core/store.js";
import { base } from "./base.js";

function groupErase() {
  return base({
    busy: false,
    error: "",
    get visible() {
      return this.ready;
    },
    get admins() {
      var ms = (this.v && this.v.members) || dict();
      return Object.keys(ms).filter(function (mid) {
        return ms[mid].admin;
      });
    },
    // The last facilitator cannot leave the group without one: they erase the group instead.
    get canEraseSelf() {
      return !this.isAdmin || this.admins.length > 1;
    },
    // Everyone else the group's facilitator may erase: current members and removed ones.
    get others() {
      if (!this.isAdmin) return [];
      var self = this;
      var ms = (this.v && this.v.members) || dict();
      var out = Object.keys(ms)
        .filter(function (mid) {
          return mid !== self.you.mid;
        })
        .map(function (mid) {
          var name = ms[mid].name;
          return { mid: mid, name: name, label: self.f("grpEraseMemberLabel", { name: name }) };
        });
      var gone = (this.v && this.v.removed) || [];
      gone.forEach(function (mid, i) {
        var name = self.f("grpRemovedMember", { n: i + 1 });
        out.push({ mid: mid, name: name, label: self.f("grpEraseMemberLabel", { name: name }) });
      });
      return out;
    },
    get hasOthers() {
      return this.others.length > 0;
    },
    get hasError() {
      return !!this.error;
    },
    // `after` set: the command ends this member's access, so no view is reloaded after it.
    run: function (type, args, after) {
      var self = this;
      this.busy = true;
      this.error = "";
      var sent = after ? this.G.send("/cmd", { type: type, args: args }) : this.G.cmd(type, args);
      return sent.then(function (r) {
        self.busy = false;
        if (!r.ok) self.error = self.errText(r);
        else if (after) after();
        return r;
      });
    },
    eraseSelf: function () {
      if (!window.confirm(this.L.grpEraseSelfConfirm)) return;
      var G = this.G;
      this.run("member.erase", {}, function () {
        G.forget();
      });
    },
    eraseOther: function (row) {
      if (!window.confirm(this.f("grpEraseMemberConfirm", { name: row.name }))) return;
      this.run("member.erase", { mid: row.mid });
    },
    eraseGroup: function () {
      var name = (this.v && this.v.group.name) || "";
      var n = ((this.v && this.v.meetings) || []).length;
      if (!window.confirm(this.f("grpEraseGroupConfirm", { name: name, n: n }))) return;
      var G = this.G;
      this.run("group.erase", {}, function () {
        G.forget();
      });
    },
  });
}

component("groupErase", groupErase);
