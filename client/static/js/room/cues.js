/* Screen-reader cues: time announcements and focus on a phase change. Alpine.data('roomCues').
 *
 * A visually hidden polite live region speaks at sensible moments only: a new phase, the timer
 * started, paused or changed, 5 and 1 minute left, time up, and a new speaker in a round; never
 * every second (the visible timer has role="timer", which is not live). When the phase changes,
 * focus moves to the new phase's heading, unless the user is typing in a field.
 */
import { typingIn } from "../core/dom.js";
import { dict } from "../core/maps.js";
import { component } from "../core/store.js";
import { base, remaining } from "./base.js";

var CUE_MARKS = [0, 60000, 5 * 60000]; // checked in this order: the most urgent crossing wins

// How many notes of others this viewer can read (they were revealed).
export function revealedByOthers(st, me) {
  var notes = (st && st.notes) || dict();
  return Object.keys(notes).filter(function (id) {
    return notes[id].revealed && notes[id].author !== me;
  }).length;
}

function roomCues() {
  var prev = null;
  var stopEffect = null;
  var sayTimer = null;
  return base({
    text: "",
    init: function () {
      var self = this;
      stopEffect = window.Alpine.effect(function () {
        var st = self.st; // subscribes to the view (see base())
        var now = self.K.now(); // ... and ticks every second
        if (st && st.waiting_for_admission) self.focusHeading("waiting-title", false);
        if (!st || !st.method || !st.method.phases.length || st.waiting_for_admission) return;
        var cur = self.snapshot(st, now);
        var last = prev;
        prev = cur;
        var phaseChanged = !!last && last.phase !== cur.phase;
        var text = self.cue(last, cur, st);
        if (text) self.say(text);
        if (phaseChanged || !last) self.focusHeading("phase-title", phaseChanged);
      });
    },
    destroy: function () {
      if (stopEffect && window.Alpine.release) window.Alpine.release(stopEffect);
      clearTimeout(sayTimer);
    },
    snapshot: function (st, now) {
      var t = st.timer || dict();
      var r = st.round;
      return {
        index: st.phase.index,
        phase: st.phase.index + ":" + st.phase.started,
        running: !!t.running,
        deadline: t.deadline,
        ms: remaining(t, now),
        speaker: r && !r.done ? r.order[r.index] : null,
        revealed: revealedByOthers(st, this.me),
      };
    },
    duration: function (ms) {
      if (ms >= 60000) {
        var n = Math.round(ms / 60000);
        return this.f("cueMinutes", { n: n });
      }
      return this.f("cueSeconds", { n: Math.max(0, Math.ceil(ms / 1000)) });
    },
    cue: function (last, cur, st) {
      if (!last) return "";
      var parts = [];
      if (last.phase !== cur.phase) {
        var p = st.method.phases[cur.index];
        parts.push(this.f("cuePhase", { n: cur.index + 1, m: st.method.phases.length, title: this.tr(p.title) }));
        if (cur.running) parts.push(this.f("cueLeft", { time: this.duration(cur.ms) }));
      } else if (last.running !== cur.running || (cur.running && last.deadline !== cur.deadline)) {
        parts.push(this.f(cur.running ? "cueRunning" : "cuePaused", { time: this.duration(Math.max(0, cur.ms)) }));
      } else if (cur.running) {
        for (var i = 0; i < CUE_MARKS.length; i++) {
          var mark = CUE_MARKS[i];
          if (last.ms > mark && cur.ms <= mark) {
            parts.push(mark ? this.f("cueLeft", { time: this.duration(mark) }) : this.L.cueUp);
            break;
          }
        }
      }
      if (cur.revealed > last.revealed) {
        parts.push(this.f("notesRevealedCue", { n: cur.revealed - last.revealed }));
      }
      if (cur.speaker && cur.speaker !== last.speaker) {
        var who = this.nameOf(cur.speaker) + (cur.speaker === this.me ? " (" + this.L.you + ")" : "");
        parts.push(this.f("cueTurn", { name: who }));
      }
      return parts.join(" ");
    },
    say: function (text) {
      // Empty first, so the same words twice in a row are still read out.
      var self = this;
      this.text = "";
      clearTimeout(sayTimer);
      sayTimer = window.setTimeout(function () {
        self.text = text;
      }, 150);
    },
    // On a phase change, or when the room (or the waiting screen) first shows and focus is
    // nowhere, e.g. on the join button that just went away.
    focusHeading: function (id, changed) {
      this.$nextTick(function () {
        var h = document.getElementById(id);
        var active = document.activeElement;
        if (!h || !h.offsetParent || typingIn(active)) return;
        var lost = !active || active === document.body || !active.offsetParent;
        if (changed || lost) h.focus();
      });
    },
  });
}

component("roomCues", roomCues);
