/* The group page's frame: joining (client/templates/partials/join.html), errors, the title, and
 * reloading the view. Alpine.data('groupPage'). */
import { limits } from "../core/page.js";
import { component } from "../core/store.js";
import { base } from "./base.js";

var REFRESH_MS = 20000;

// --- frame: join, errors, title ---------------------------------------------------------------
function groupPage() {
  var timer = null;
  var onVisible = null;
  return base({
    joinName: "",
    init: function () {
      var self = this;
      this.G.start();
      var plain = document.title;
      window.Alpine.effect(function () {
        var v = self.G.view;
        document.title = v ? v.group.name + " — Kring" : plain;
      });
      timer = window.setInterval(function () {
        if (document.visibilityState === "visible" && self.G.phase === "ready") self.G.load();
      }, REFRESH_MS);
      onVisible = function () {
        if (document.visibilityState === "visible" && self.G.phase === "ready") self.G.load();
      };
      document.addEventListener("visibilitychange", onVisible);
      window.addEventListener("focus", onVisible);
    },
    destroy: function () {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
      window.removeEventListener("focus", onVisible);
    },
    get isBoot() {
      return this.G.phase === "boot";
    },
    get showJoin() {
      return this.G.phase === "join";
    },
    get showBadLink() {
      return this.G.phase === "badlink";
    },
    get showDenied() {
      return this.G.phase === "denied";
    },
    get showErased() {
      return this.G.phase === "erased";
    },
    get groupName() {
      return this.v ? this.v.group.name : "";
    },
    get youText() {
      if (!this.v) return "";
      return this.f(this.isAdmin ? "grpYouAdmin" : "grpYou", { name: this.you.name });
    },
    get cannotJoin() {
      var n = this.joinName.trim();
      return !n || n.length > limits().name || this.G.joining;
    },
    onJoinName: function (ev) {
      this.joinName = ev.target.value;
    },
    join: function () {
      if (!this.cannotJoin) this.G.join(this.joinName.trim());
    },
    get hasJoinError() {
      return !!this.G.joinError;
    },
    get joinErrorText() {
      return this.G.joinError;
    },
    get hasLoadError() {
      return !!this.G.loadError;
    },
    get loadErrorText() {
      return this.f("grpLoadFailed", { msg: this.G.loadError });
    },
    reload: function () {
      this.G.load();
    },
  });
}

component("groupPage", groupPage);
