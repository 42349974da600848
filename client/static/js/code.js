/* Kring /j: join with the short code a facilitator shows (server/joincode.py). The code is
 * exchanged for the room's join link (POST /api/code) and the page goes there: joining, waiting
 * in a locked room and everything after is the join link's. Alpine.data('joinCode'). */
import "./core/conn.js";
import { kringI18n } from "./core/i18n.js";
import { pageData } from "./core/page.js";
import { component } from "./core/store.js";

function joinCode() {
  return {
    code: "",
    error: "",
    busy: false,
    get L() {
      return kringI18n.dict(this.$store.kring.lang);
    },
    get helpText() {
      return this.$store.kring.t("codeHelp", { n: pageData().code_length });
    },
    get invalid() {
      return this.error ? "true" : "false";
    },
    onInput: function (ev) {
      this.code = ev.target.value;
      this.error = "";
    },
    go: function () {
      var self = this;
      var L = this.L;
      var code = this.code.replace(/[\s-]/g, "").toUpperCase();
      if (!code) {
        this.error = L.codeEmpty;
        document.getElementById("join-code").focus();
        return;
      }
      if (this.busy) return;
      this.busy = true;
      fetch("/api/code", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code: code }),
      })
        .then(function (r) {
          return r.json().then(function (body) {
            return { status: r.status, body: body };
          });
        })
        .then(function (res) {
          self.busy = false;
          if (res.status === 200 && res.body.room && res.body.key) {
            window.location.assign("/r/" + encodeURIComponent(res.body.room) + "#" + res.body.key);
            return;
          }
          self.error = res.status === 429 ? L.codeTooMany : res.status === 404 ? L.codeWrong : L.codeFailed;
          document.getElementById("join-code").focus();
        })
        .catch(function () {
          self.busy = false;
          self.error = L.codeFailed;
        });
    },
  };
}

component("joinCode", joinCode);
