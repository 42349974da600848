/* Kring /r/{room}/continue#SECRET: this device takes over a participant from another device
 * (server/transfer.py). The secret leaves the address bar at once; one click exchanges it (once)
 * for that participant's token, which this browser keeps for the room, and opens the room.
 * Alpine.data('continueHere'). */
import "./core/conn.js";
import { kringI18n } from "./core/i18n.js";
import { pageData, readFragment } from "./core/page.js";
import { saveRoom } from "./core/storage.js";
import { component } from "./core/store.js";

// "#SECRET~Name": the secret (URL-safe base64, no "~") and the name it continues as.
var fragment = readFragment();
var secret = fragment.split("~")[0];
var who = fragment.indexOf("~") > 0 ? fragment.slice(fragment.indexOf("~") + 1) : "";
if (fragment) history.replaceState(null, "", window.location.pathname);

function continueHere() {
  return {
    busy: false,
    failed: !secret,
    get L() {
      return kringI18n.dict(this.$store.kring.lang);
    },
    get hasOffer() {
      return !!secret && !this.failed;
    },
    get offerText() {
      return who ? this.$store.kring.t("continueOfferAs", { name: who }) : this.L.continueOffer;
    },
    get goText() {
      return who ? this.$store.kring.t("continueGoAs", { name: who }) : this.L.continueGo;
    },
    go: function () {
      var self = this;
      var room = pageData().room;
      if (this.busy || !secret) return;
      this.busy = true;
      fetch("/r/" + encodeURIComponent(room) + "/transfer/use", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ transfer: secret }),
      })
        .then(function (r) {
          return r.ok ? r.json() : null;
        })
        .catch(function () {
          return null;
        })
        .then(function (body) {
          self.busy = false;
          secret = ""; // single use, whatever the answer
          if (!body || !body.token) {
            self.failed = true;
            return;
          }
          saveRoom(room, { token: body.token, key: body.key, name: body.name });
          window.location.assign("/r/" + encodeURIComponent(room) + "#" + body.key);
        });
    },
  };
}

component("continueHere", continueHere);
