/* The evaluation: scores for content and process and what someone learned.
 * Alpine.data('evalPanel'). */
import { sentDraft } from "../core/drafts.js";
import { dict } from "../core/maps.js";
import { limits, range } from "../core/page.js";
import { component } from "../core/store.js";
import { base } from "./base.js";

function evalPanel() {
  return base({
    content: 0,
    process: 0,
    learned: "",
    submitted: false,
    get visible() {
      // Still shown once closed, in its phase: that is when the means appear.
      var e = this.st && this.st.evaluation;
      return !!this.may.evaluate || (!!e && !!e.closed && this.K.tool("evaluation"));
    },
    get mine() {
      return (this.st && this.st.evaluation && this.st.evaluation.mine) || dict();
    },
    // The viewer's own answers, shown to them alone (the view carries nobody else's).
    get mineRows() {
      var m = this.mine;
      var L = this.L;
      var rows = [];
      if (m.content) rows.push({ key: "content", label: L.evalContent, text: String(m.content) });
      if (m.process) rows.push({ key: "process", label: L.evalProcess, text: String(m.process) });
      if (m.learned) rows.push({ key: "learned", label: L.evalMineLearned, text: m.learned });
      return rows;
    },
    get hasMine() {
      return this.mineRows.length > 0;
    },
    options: function (chosen) {
      var scale = limits().score;
      return range(scale[0], scale[1]).map(function (v) {
        return { v: v, checked: v === chosen };
      });
    },
    get contentOptions() {
      return this.options(this.content || this.mine.content || 0);
    },
    get processOptions() {
      return this.options(this.process || this.mine.process || 0);
    },
    setContent: function (v) {
      this.content = v;
    },
    setProcess: function (v) {
      this.process = v;
    },
    onLearned: function (ev) {
      this.learned = ev.target.value;
    },
    submit: function () {
      var args = {};
      if (this.content) args.content = this.content;
      if (this.process) args.process = this.process;
      if (this.learned.trim()) args.learned = this.learned.trim();
      if (!Object.keys(args).length) return;
      var self = this;
      sentDraft("eval-learned", args.learned || "", this.cmd("eval.submit", args)).then(function (r) {
        if (r && r.t === "ack") self.submitted = true;
      });
    },
    // The facilitator closes the evaluation: no more answers, and the means appear (only with
    // enough answers, server/rooms/evaluation.py).
    get canClose() {
      var e = this.st && this.st.evaluation;
      return this.isFac && !!e && !e.closed && this.K.tool("evaluation");
    },
    get closed() {
      var e = this.st && this.st.evaluation;
      return !!e && !!e.closed;
    },
    close: function () {
      this.cmd("evaluation.close", {});
    },
    get summaryText() {
      var e = this.st && this.st.evaluation;
      if (!e || !e.n) return "";
      var parts = [this.f("evalCount", { n: e.n })];
      if (e.content.mean !== null) parts.push(this.L.evalContent + ": " + e.content.mean);
      if (e.process.mean !== null) parts.push(this.L.evalProcess + ": " + e.process.mean);
      return parts.join(" · ");
    },
  });
}

component("evalPanel", evalPanel);
