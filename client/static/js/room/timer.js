/* The timer's controls, for the facilitator and the timekeeper. Alpine.data('timerPanel'). */
import { limits } from "../core/page.js";
import { component } from "../core/store.js";
import { base } from "./base.js";

function timerPanel() {
  return base({
    minutesDraft: null, // what was typed: kept after starting, until the phase changes
    draftPhase: null,
    get visible() {
      return !!this.may.timer;
    },
    get t() {
      return (this.st && this.st.timer) || { running: false };
    },
    get minutes() {
      if (this.minutesDraft !== null && this.draftPhase === this.phaseKey) return this.minutesDraft;
      return this.cur ? this.cur.minutes : 10;
    },
    get phaseKey() {
      return this.st ? this.st.phase.index + ":" + this.st.phase.started : null;
    },
    onMinutes: function (ev) {
      this.minutesDraft = ev.target.value;
      this.draftPhase = this.phaseKey;
    },
    get running() {
      return !!this.t.running;
    },
    get paused() {
      return !this.t.running;
    },
    start: function () {
      var m = parseFloat(this.minutes);
      if (!(m > 0)) return;
      this.cmd("timer.start", { seconds: Math.min(limits().timer_s, Math.round(m * 60)) });
    },
    pause: function () {
      this.cmd("timer.pause", {});
    },
    resume: function () {
      this.cmd("timer.resume", {});
    },
    // One button for pause and resume, so keyboard focus stays on it when it flips.
    get toggleLabel() {
      return this.running ? this.L.timerPause : this.L.timerResume;
    },
    toggle: function () {
      if (this.running) this.pause();
      else this.resume();
    },
    addMinute: function () {
      this.cmd("timer.add", { seconds: 60 });
    },
  });
}

component("timerPanel", timerPanel);
