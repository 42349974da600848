/* Kring drawing board, Alpine.data('drawing') (client/templates/partials/drawing.html): the pen
 * (mouse, touch and pen through Pointer Events), lines, rectangles, ellipses and text, six colours,
 * the eraser, undo of one's own strokes, a shape added with the keyboard, labels and a description;
 * and drawing in private: who draws, their timer, giving the picture back, and the facilitator's
 * form that appoints the drawers. The client decides nothing: every change is a command (server/
 * rooms/drawing.py); the server's view is drawn. Strings: the catalog section "drawing.". */
import { dict } from "../core/maps.js";
import { limits } from "../core/page.js";
import { component } from "../core/store.js";
import { withActions } from "./board.js";
import { drawInto, labelRows, namesText, palette, size } from "./drawing-draw.js";
import { SHAPES, fit, ordered, touches } from "./drawing-geom.js";

var ERASER = "eraser";

function drawingBoard() {
  var pal = null;
  var stopEffect = null;
  var pending = dict(); // id -> stroke sent and not yet in the server's view
  var stroke = null; // the stroke under the pointer: {shape, points, pointerId}
  var erased = dict(); // ids the eraser sent a removal for
  var drawnFrom = null;
  var keyboardAdds = 0;

  return withActions({
    tool: "pen",
    color: "black",
    label: "",
    descDraft: null, // the description being edited (null: shows the view's)
    picked: dict(), // the facilitator's choice of drawers
    pickMinutes: null,
    kbShape: "rect",
    notice: "",

    init: function () {
      var self = this;
      pal = palette();
      this.bindPointer();
      var queued = false;
      stopEffect = Alpine.effect(function () {
        var st = self.$store.kring.state;
        void (st && st.drawing);
        if (queued) return;
        queued = true;
        var run = function () {
          if (!queued) return;
          queued = false;
          self.render();
        };
        requestAnimationFrame(run);
        setTimeout(run, 100); // background tabs get no animation frames
      });
    },
    destroy: function () {
      if (stopEffect && Alpine.release) Alpine.release(stopEffect);
    },

    // -- the view --
    get d() {
      return (this.st && this.st.drawing) || null;
    },
    get me() {
      var you = this.$store.kring.you;
      return you ? you.pid : null;
    },
    get isPrivate() {
      return !!(this.d && this.d.private);
    },
    get isDrawer() {
      return !!this.d && this.d.drawers.indexOf(this.me) >= 0;
    },
    get isFac() {
      return !!this.may.facilitator;
    },
    get shownOnly() {
      var K = this.$store.kring;
      return !K.tool("drawing") && K.shown("drawing") && !(this.isPrivate && this.isDrawer);
    },
    // Given back in this phase: everyone sees the picture, wherever the method has it.
    get givenHere() {
      var d = this.d;
      return !!d && !d.private && !!d.given && !!this.st.phase && d.given >= this.st.phase.started;
    },
    get visible() {
      var K = this.$store.kring;
      if (!this.d) return false;
      if (this.isPrivate) return this.isDrawer;
      return K.tool("drawing") || K.shown("drawing") || this.givenHere;
    },
    get canDraw() {
      return !!this.may.draw && !this.shownOnly;
    },
    get readOnly() {
      return !this.canDraw;
    },
    get count() {
      return this.d ? Object.keys(this.d.strokes).length : 0;
    },
    get countLabel() {
      return this.f("count", { n: this.count });
    },
    get isEmpty() {
      return this.count === 0 && Object.keys(pending).length === 0;
    },
    get svgLabel() {
      var desc = this.d && this.d.description;
      return this.L.title + ": " + (desc || this.countLabel);
    },
    get description() {
      return (this.d && this.d.description) || "";
    },
    get noDescription() {
      return !this.description;
    },
    get descValue() {
      return this.descDraft === null ? this.description : this.descDraft;
    },
    get labels() {
      return labelRows(this.d);
    },
    get hasLabels() {
      return this.labels.length > 0;
    },
    get names() {
      return namesText(this.$store.kring, this.d ? this.d.drawers : [], this.L.and);
    },
    get hasNotice() {
      return !!this.notice;
    },

    // -- drawing in private: who draws, the timer, giving back --
    get showStatus() {
      return this.isPrivate || this.isFac || (this.givenHere && !!this.d.drawers.length);
    },
    get statusText() {
      if (this.isPrivate) {
        return this.f("drawingNow", { n: this.d.drawers.length, names: this.names });
      }
      return this.givenHere && this.d.drawers.length ? this.f("givenBack", { names: this.names }) : "";
    },
    get deadline() {
      var d = this.d;
      return d && d.private && d.started ? d.started + d.minutes * 60000 : null;
    },
    get seesTimer() {
      return this.isPrivate && (this.isDrawer || this.isFac);
    },
    get timeUp() {
      return this.seesTimer && this.deadline !== null && this.$store.kring.now() >= this.deadline;
    },
    get timeText() {
      if (!this.seesTimer) return "";
      if (this.timeUp) return this.isFac ? this.L.timeUpFac : this.L.timeUp;
      var min = Math.ceil((this.deadline - this.$store.kring.now()) / 60000);
      return this.f("timeLeft", { min: min });
    },
    get canGiveBack() {
      return this.isPrivate && (this.isFac || this.isDrawer);
    },
    giveBack: function () {
      this.send("draw.giveback", {});
    },
    // The facilitator's form: on an empty board, or to change the drawers while they draw.
    get canAppoint() {
      return this.isFac && (this.isPrivate || (this.count === 0 && !this.description));
    },
    get canClear() {
      return this.isFac && !this.isPrivate && this.count > 0;
    },
    get people() {
      var st = this.st;
      var chosen = this.chosen;
      var K = this.$store.kring;
      return Object.keys((st && st.participants) || {}).map(function (pid) {
        return { pid: pid, name: K.name(pid), checked: chosen.indexOf(pid) >= 0 };
      });
    },
    get chosen() {
      var picked = this.picked;
      var base = this.isPrivate ? this.d.drawers : [];
      var out = base.filter(function (p) {
        return picked[p] !== false;
      });
      Object.keys(picked).forEach(function (p) {
        if (picked[p] === true && out.indexOf(p) < 0) out.push(p);
      });
      return out;
    },
    get minutesValue() {
      return this.pickMinutes !== null ? this.pickMinutes : this.d ? this.d.minutes : limits().draw_minutes_default;
    },
    get appointLabel() {
      return this.isPrivate ? this.L.update : this.L.start;
    },
    get cannotAppoint() {
      return this.chosen.length === 0;
    },
    onPick: function (ev) {
      var next = dict();
      Object.assign(next, this.picked);
      next[ev.target.value] = ev.target.checked;
      this.picked = next;
    },
    onMinutes: function (ev) {
      this.pickMinutes = parseInt(ev.target.value, 10) || null;
    },
    appoint: function () {
      var self = this;
      if (this.cannotAppoint) return;
      var args = { drawers: this.chosen };
      if (this.pickMinutes) args.minutes = this.pickMinutes;
      this.send("draw.private", args).then(function (r) {
        if (r && r.t !== "error") {
          self.picked = dict();
          self.pickMinutes = null;
          var form = self.$root.querySelector(".dr-appoint");
          if (form) form.open = false;
        }
      });
    },
    clearBoard: function () {
      if (window.confirm(this.L.confirmClear)) this.send("draw.clear", {});
    },

    // -- the toolbar --
    get tools() {
      var self = this;
      return SHAPES.concat([ERASER]).map(function (id) {
        var on = self.tool === id;
        return {
          id: id,
          label: id === ERASER ? self.L.eraser : self.L["shape." + id],
          pressed: on ? "true" : "false",
          cls: "btn btn-small dr-tool" + (on ? " is-on" : ""),
        };
      });
    },
    get colors() {
      var self = this;
      return Object.keys(pal || palette()).map(function (c) {
        var on = self.color === c;
        return {
          id: c,
          label: self.L["color." + c],
          pressed: on ? "true" : "false",
          cls: "dr-color" + (on ? " is-on" : ""),
          style: { background: (pal || palette())[c] }, // an object: CSSOM, which the CSP allows
        };
      });
    },
    pickTool: function (ev) {
      this.tool = ev.currentTarget.getAttribute("data-tool");
      this.notice = "";
    },
    pickColor: function (ev) {
      this.color = ev.currentTarget.getAttribute("data-color");
    },
    onLabel: function (ev) {
      this.label = ev.target.value;
      if (this.label) this.notice = "";
    },
    get kbShapes() {
      var self = this;
      return SHAPES.filter(function (s) {
        return s !== "pen";
      }).map(function (s) {
        return { id: s, label: self.L["shape." + s], selected: s === self.kbShape };
      });
    },
    onKbShape: function (ev) {
      this.kbShape = ev.target.value;
    },
    get myLast() {
      var me = this.me;
      var mine = ordered(this.d ? this.d.strokes : {}).filter(function (e) {
        return e[1].author === me;
      });
      return mine.length ? mine[mine.length - 1][0] : null;
    },
    get cannotUndo() {
      return !this.canDraw || !this.myLast;
    },
    undo: function () {
      var id = this.myLast;
      if (id && this.canDraw) this.send("draw.remove", { id: id });
    },
    onKey: function (ev) {
      if ((ev.ctrlKey || ev.metaKey) && (ev.key === "z" || ev.key === "Z")) {
        ev.preventDefault();
        this.undo();
      }
    },

    // -- the description --
    onDesc: function (ev) {
      this.descDraft = ev.target.value;
    },
    saveDescription: function () {
      var self = this;
      var text = (this.descValue || "").trim().slice(0, limits().text);
      this.send("draw.describe", { text: text }).then(function (r) {
        if (r && r.t !== "error") self.descDraft = null;
      });
    },

    // -- adding strokes --
    add: function (shape, points) {
      var self = this;
      var label = this.label.trim().slice(0, limits().draw_label);
      if (shape === "text" && !label) {
        this.notice = this.L.textNeeded;
        if (this.$refs.label) this.$refs.label.focus();
        return;
      }
      var id = this.$store.kring.newId("d");
      var s = { shape: shape, points: points, color: this.color, label: label, author: this.me, at: Infinity };
      pending[id] = s;
      this.label = "";
      this.render();
      var args = { id: id, shape: shape, points: points, color: this.color };
      if (label) args.label = label;
      this.send("draw.add", args).then(function () {
        delete pending[id];
        self.render();
      });
    },
    addByKeyboard: function () {
      var s = size();
      var step = keyboardAdds++ % 5;
      var cx = Math.round(s.w / 2 + ((step - 2) * s.w) / 16);
      var cy = Math.round(s.h / 2 + ((step - 2) * s.h) / 16);
      var dx = Math.round(s.w / 12);
      var dy = Math.round(s.h / 12);
      var shape = this.kbShape;
      var pts =
        shape === "text"
          ? [[cx - dx, cy]]
          : shape === "line"
          ? [[cx - dx, cy], [cx + dx, cy]]
          : [[cx - dx, cy - dy], [cx + dx, cy + dy]];
      this.add(shape, pts);
    },

    // -- rendering --
    render: function () {
      var d = this.d;
      var world = this.$refs.world;
      if (!d || !world) return;
      var strokes = d.strokes;
      var extra = Object.keys(pending).filter(function (id) {
        return !strokes[id];
      });
      if (d === drawnFrom && !extra.length && world.childNodes.length === Object.keys(strokes).length) return;
      drawnFrom = d;
      var all = dict();
      Object.assign(all, strokes);
      extra.forEach(function (id) {
        all[id] = Object.assign({}, pending[id], { at: Number.MAX_SAFE_INTEGER });
      });
      drawInto(world, { strokes: all }, pal);
      erased = dict();
    },

    // -- the pointer: pen, mouse and touch alike --
    bindPointer: function () {
      var self = this;
      var svg = this.$refs.svg;
      var preview = this.$refs.preview;
      var s = size();
      function at(ev) {
        var pt = svg.createSVGPoint();
        pt.x = ev.clientX;
        pt.y = ev.clientY;
        var p = pt.matrixTransform(svg.getScreenCTM().inverse());
        return [Math.max(0, Math.min(s.w, Math.round(p.x))), Math.max(0, Math.min(s.h, Math.round(p.y)))];
      }
      function showPreview() {
        var st = { shape: stroke.shape, points: stroke.points, color: self.color, label: "", at: 0 };
        if (st.shape !== "pen") st.points = [stroke.points[0], stroke.points[stroke.points.length - 1]];
        drawInto(preview, { strokes: { p: st } }, pal);
      }
      function erase(p) {
        var list = ordered(self.d ? self.d.strokes : {}).reverse();
        for (var i = 0; i < list.length; i++) {
          var id = list[i][0];
          if (!erased[id] && touches(list[i][1], p, s.w / 96)) {
            erased[id] = true;
            self.send("draw.remove", { id: id });
            return;
          }
        }
      }
      svg.addEventListener("pointerdown", function (ev) {
        if (!self.canDraw || (ev.pointerType === "mouse" && ev.button !== 0)) return;
        ev.preventDefault();
        var p = at(ev);
        stroke = { shape: self.tool, points: [p], pointerId: ev.pointerId };
        svg.setPointerCapture(ev.pointerId);
        if (self.tool === ERASER) erase(p);
        else if (self.tool !== "text") showPreview();
      });
      svg.addEventListener("pointermove", function (ev) {
        if (!stroke || ev.pointerId !== stroke.pointerId) return;
        var p = at(ev);
        if (stroke.shape === ERASER) return erase(p);
        if (stroke.shape === "text") return;
        var last = stroke.points[stroke.points.length - 1];
        if (last[0] === p[0] && last[1] === p[1]) return;
        if (stroke.shape === "pen") stroke.points.push(p);
        else stroke.points = [stroke.points[0], p];
        showPreview();
      });
      function end(ev) {
        if (!stroke || ev.pointerId !== stroke.pointerId) return;
        var st = stroke;
        stroke = null;
        preview.replaceChildren();
        if (svg.hasPointerCapture && svg.hasPointerCapture(ev.pointerId)) svg.releasePointerCapture(ev.pointerId);
        if (ev.type === "pointercancel" || st.shape === ERASER) return;
        var p = at(ev);
        if (st.shape === "pen") {
          if (st.points[st.points.length - 1][0] !== p[0] || st.points[st.points.length - 1][1] !== p[1]) st.points.push(p);
          self.add("pen", fit(st.points, limits().draw_epsilon, limits().draw_points));
        } else if (st.shape === "text") {
          self.add("text", [p]);
        } else if (st.points[0][0] !== p[0] || st.points[0][1] !== p[1]) {
          self.add(st.shape, [st.points[0], p]);
        }
      }
      svg.addEventListener("pointerup", end);
      svg.addEventListener("pointercancel", end);
    },
  }, "drawing");
}

component("drawing", drawingBoard);
