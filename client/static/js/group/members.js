/* The group's members, and who chairs and brings the case next. Alpine.data('groupMembers'). */
import { dict } from "../core/maps.js";
import { component } from "../core/store.js";
import { base } from "./base.js";

// --- members and who is next ------------------------------------------------------------------
// Who chairs and who brings the case: those of the planned meeting when there is one, else
// the ones chosen at the last evaluation for a meeting still to be planned.
function groupMembers() {
  return base({
    get roles() {
      var up = this.upcoming;
      if (up) return { chair: up.chair || null, inbrenger: up.inbrenger || null, title: up.title };
      var nr = (this.v && this.v.next_roles) || dict();
      return { chair: nr.chair || null, inbrenger: nr.inbrenger || null, title: null };
    },
    get members() {
      var self = this;
      var ms = (this.v && this.v.members) || dict();
      var r = this.roles;
      return Object.keys(ms).map(function (mid) {
        var m = ms[mid];
        return {
          mid: mid,
          name: m.name + (mid === self.you.mid ? " (" + self.L.you + ")" : ""),
          admin: !!m.admin,
          chair: r.chair === mid,
          inbrenger: r.inbrenger === mid,
          cls: "member" + (mid === self.you.mid ? " is-me" : ""),
        };
      });
    },
    get countText() {
      return "(" + this.members.length + ")";
    },
    get rolesTitle() {
      var t = this.roles.title;
      return t ? this.f("grpRolesAt", { title: t }) : this.L.grpNextRoles;
    },
    get chairText() {
      return this.roles.chair ? this.memberName(this.roles.chair) : this.L.grpNotChosen;
    },
    get inbrengerText() {
      return this.roles.inbrenger ? this.memberName(this.roles.inbrenger) : this.L.grpNotChosen;
    },
    get rotating() {
      return !!this.v && this.v.group.rotating_chair;
    },
    get rotationText() {
      return this.rotating ? this.L.grpRotationOn : this.L.grpRotationOff;
    },
    get youChair() {
      return this.isChair && !this.upcoming;
    },
  });
}

component("groupMembers", groupMembers);
