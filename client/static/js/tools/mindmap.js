/* Kring mind-map board, Alpine.data('mindmap'): the interactive map (select, keyboard, drag to move,
 * pan and zoom). The client decides nothing: every change is a command; the server's view is
 * redrawn. Layout and drawing: tools/mindmap-layout.js, tools/mindmap-draw.js.
 * Strings: the catalog section "mindmap." (client/i18n/<lang>.json).
 */
import { withConflicts } from "../core/conflicts.js";
import { clearDraft, draftBase, getDraft, sentDraft, setDraft } from "../core/drafts.js";
import { dict } from "../core/maps.js";
import { limits } from "../core/page.js";
import { component } from "../core/store.js";
import { fieldEditors } from "../core/typing.js";
import { rawState, withActions } from "./board.js";
import { draw, viewport } from "./mindmap-draw.js";
import { BIG_MAP, GAP_X, GAP_Y, MAX_W, layout, overviewFolds, subtreeSize } from "./mindmap-layout.js";

// --- the interactive board ---------------------------------------------------------------
function mindmapBoard() {
  // Kept out of Alpine's reactive proxy: layout, viewport and drag state change often.
  var lay = null;
  var vp = null;
  var sig = "";
  var drawn = []; // [mindmap, lang, selection, foldGen] of the last drawing: compared by identity first
  var drag = null;
  var stopEffect = null;
  var resizeObs = null;
  var folded = dict(); // branches this viewer folded (local only)
  var firstDrawn = false;
  var foldGen = 0;
  var pendingIds = dict(); // ids this client added that the server has not sent back yet
  // Tab adds an idea under the selected one from the first keypress in the map, as its hint says;
  // Esc hands Tab back to the page, and the hint (the frame's description) says so (WCAG 2.1.2).
  var engaged = false;

  return withActions(withConflicts({
    selected: "root",
    editing: null, // {mode: "add"|"edit", id, parent, base}
    draft: "",
    count: 0,
    anyFolded: false,
    selectedText: "", // read out by screen readers as the keyboard selection moves
    editorPos: { left: "0px", top: "0px", width: "200px" },

    init: function () {
      var self = this;
      vp = viewport(this.$refs.svg, this.$refs.world);
      this.bindPointer();
      var frame = this.$refs.map;
      frame.addEventListener("focusout", function (ev) {
        if (!frame.contains(ev.relatedTarget)) engaged = false;
      });
      // Arriving forwards (Tab, a click): Tab adds at once. Arriving backwards (Shift+Tab from
      // below), Tab takes the person back where they came from.
      frame.addEventListener("focusin", function (ev) {
        var from = ev.relatedTarget;
        if (ev.target !== frame || (from && frame.contains(from))) return;
        engaged = !from || !(frame.compareDocumentPosition(from) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
      // Many views can arrive in one frame (a burst of additions): draw at most once per frame.
      var queued = false;
      stopEffect = Alpine.effect(function () {
        var st = self.$store.kring.state;
        void (st && st.mindmap); // only the mind-map's own changes (core/patch.js patchSections)
        void self.$store.kring.lang;
        void self.selected;
        if (queued) return;
        queued = true;
        var run = function () {
          if (!queued) return;
          queued = false;
          self.render(rawState(self.$store.kring), self.$store.kring.lang, self.selected);
        };
        requestAnimationFrame(run);
        setTimeout(run, 120); // background tabs get no animation frames

      });
      if (window.ResizeObserver) {
        resizeObs = new ResizeObserver(function () {
          if (lay && !vp.touched) self.autoFit();
        });
        resizeObs.observe(this.$refs.svg);
      }
    },
    destroy: function () {
      if (stopEffect && Alpine.release) Alpine.release(stopEffect);
      if (resizeObs) resizeObs.disconnect();
    },

    // -- getters for the markup --
    get visible() {
      return !!this.st && (this.$store.kring.tool("mindmap") || this.$store.kring.shown("mindmap"));
    },
    // Shown read-only: an earlier phase filled it and this one shows it (the method's `show`).
    get shownOnly() {
      return !!this.st && !this.$store.kring.tool("mindmap") && this.$store.kring.shown("mindmap");
    },
    get canEdit() {
      return !!(this.st && this.st.may && this.st.may.mindmap) && !this.shownOnly;
    },
    get readOnly() {
      return !this.canEdit;
    },
    get hasSelection() {
      return !!this.selected;
    },
    get canChange() {
      return this.canEdit && !!this.selected && this.selected !== "root";
    },
    // "Verplaats naar…": the single-pointer alternative to dragging a node (WCAG 2.5.7). The
    // places the selected node may go: the question or any node outside its own branch.
    get moveTargets() {
      var st = this.st;
      var sel = this.selected;
      if (!st || !this.canChange) return [];
      var nodes = st.mindmap.nodes;
      var node = nodes[sel];
      if (!node) return [];
      var inBranch = function (id) {
        for (var cur = id; cur && cur !== "root"; cur = nodes[cur] ? nodes[cur].parent : null) {
          if (cur === sel) return true;
        }
        return false;
      };
      var out = node.parent === "root" ? [] : [{ id: "root", text: st.mindmap.root || this.L.root }];
      Object.keys(nodes).forEach(function (id) {
        if (id !== node.parent && !inBranch(id)) out.push({ id: id, text: nodes[id].text });
      });
      return out;
    },
    get canMove() {
      return this.moveTargets.length > 0;
    },
    moveTo: function (ev) {
      var parent = ev.target.value;
      var id = this.selected;
      ev.target.value = "";
      if (parent && id && id !== "root") this.send("mindmap.move", { id: id, parent: parent });
    },
    get countLabel() {
      return this.f("nodeCount", { n: this.count });
    },
    get isEmpty() {
      return this.count === 0;
    },
    // The editor's draft name: "mm-add-<parent>" for a new idea, "mm-edit-<id>" for a node's text.
    get editorDraft() {
      var ed = this.editing;
      if (!ed) return null;
      return ed.mode === "add" ? "mm-add-" + ed.parent : "mm-edit-" + ed.id;
    },
    get editorBase() {
      return this.editing && this.editing.mode === "edit" ? this.editing.base : null;
    },
    // Others editing the node this person edits ("Joost bewerkt dit veld ook").
    get editorEditors() {
      var ed = this.editing;
      return ed && ed.mode === "edit" ? fieldEditors(this.$store.kring, "mindmap", "mm-edit-" + ed.id) : "";
    },
    get conflictKeys() {
      return Object.keys(this.conflicts);
    },
    get editorStyle() {
      return this.editorPos;
    },

    // -- rendering --
    render: function (st, lang, sel) {
      if (!st || !st.mindmap) return;
      var mm = st.mindmap;
      // A patch that did not touch the mind-map keeps the same object (core/patch.js): nothing to
      // lay out. A whole new view (a resync) is compared by content.
      if (mm === drawn[0] && lang === drawn[1] && sel === drawn[2] && foldGen === drawn[3] && sig) return;
      drawn = [mm, lang, sel, foldGen];
      var s = JSON.stringify([mm, lang, sel, foldGen]);
      if (s === sig) return;
      sig = s;
      var prevCount = this.count;
      if (!firstDrawn) {
        firstDrawn = true;
        // Opening a big map: start from the overview, so it reads at a glance.
        if (Object.keys(mm.nodes || {}).length >= BIG_MAP) {
          folded = overviewFolds(mm.nodes);
          foldGen += 1;
        }
      }
      lay = layout(mm.nodes, mm.root, lang, folded);
      this.count = Object.keys(mm.nodes || {}).length;
      this.anyFolded = Object.keys(folded).length > 0;
      if (sel && lay.items[sel]) delete pendingIds[sel];
      if (sel && !lay.items[sel] && !pendingIds[sel]) {
        // The selected node was removed (here or elsewhere): fall back to the root.
        this.selected = "root";
        return;
      }
      draw(this.$refs.world, lay, { selected: sel });
      var it = lay.items[sel];
      this.selectedText = it
        ? this.f("selectedNode", { text: it.text }) +
          (it.kids.length ? " · " + this.f("below", { n: it.kids.length }) : "")
        : "";
      if (!vp.touched && (prevCount !== this.count || prevCount === 0)) this.autoFit();
    },
    autoFit: function () {
      if (!lay) return;
      var r = lay.items.root;
      vp.fit(lay.bounds, 0.8, r.y + r.h / 2);
    },

    // -- toolbar --
    zoomIn: function () {
      vp.zoom(1.25);
    },
    zoomOut: function () {
      vp.zoom(0.8);
    },
    fit: function () {
      if (!lay) return;
      vp.fit(lay.bounds);
      vp.touched = true;
    },
    /* Overview: fold every first-level branch; unfold brings everything back. */
    foldAll: function () {
      folded = overviewFolds(this.st && this.st.mindmap && this.st.mindmap.nodes);
      this.refold(true);
    },
    unfoldAll: function () {
      folded = dict();
      this.refold(true);
    },
    toggleFold: function (id) {
      var before = lay && lay.items[id] ? { x: lay.items[id].x, y: lay.items[id].y } : null;
      if (folded[id]) delete folded[id];
      else folded[id] = true;
      this.refold(false);
      var it = lay && lay.items[id];
      if (before && it) {
        // Keep the branch being (un)folded where it was on screen...
        vp.tx -= (it.x - before.x) * vp.k;
        vp.ty -= (it.y - before.y) * vp.k;
        vp.apply();
        // ...unless an opened branch does not fit: then show the branch as a whole.
        if (!folded[id] && it.kids.length) {
          var b = { x: it.x, y: it.y, w: it.w, h: it.h };
          (function grow(n) {
            n.kids.forEach(function (k) {
              var x2 = Math.max(b.x + b.w, k.x + k.w + 30);
              var y2 = Math.max(b.y + b.h, k.y + k.h);
              b.x = Math.min(b.x, k.x);
              b.y = Math.min(b.y, k.y);
              b.w = x2 - b.x;
              b.h = y2 - b.y;
              grow(k);
            });
          })(it);
          var sz = vp.size();
          var tl = vp.toScreen(b.x, b.y);
          if (tl.x < 0 || tl.y < 0 || tl.x + b.w * vp.k > sz.w || tl.y + b.h * vp.k > sz.h) {
            vp.fit(b, 0.8, it.y + it.h / 2);
            vp.touched = true;
          }
        }
      }
    },
    refold: function (refit) {
      foldGen += 1;
      if (refit) vp.touched = false;
      this.render(this.st, this.$store.kring.lang, this.selected);
      if (refit) this.autoFit();
    },
    addChild: function () {
      this.startAdd("child");
    },
    addSibling: function () {
      this.startAdd("sibling");
    },
    editSelected: function () {
      this.startEdit();
    },
    removeSelected: function () {
      this.remove();
    },
    focusMap: function () {
      this.$refs.map.focus();
    },

    // -- selection and keys --
    select: function (id) {
      this.selected = id;
      if (lay && lay.items[id]) vp.ensureVisible(lay.items[id]);
    },
    onKey: function (ev) {
      if (this.editing) return;
      var k = ev.key;
      var it = lay && lay.items[this.selected];
      if (!it || k === "Escape") {
        engaged = false;
        return;
      }
      if (k === "Tab" && !engaged) return;
      this.onMapKey(ev, k, it);
      if (ev.defaultPrevented) engaged = true;
    },
    onMapKey: function (ev, k, it) {
      if (k === "Tab" && !ev.shiftKey && this.canEdit) {
        ev.preventDefault();
        this.startAdd("child");
      } else if (k === "Enter" && this.canEdit) {
        ev.preventDefault();
        this.startAdd(it.root ? "child" : "sibling");
      } else if (k === "F2" && this.canEdit) {
        ev.preventDefault();
        this.startEdit();
      } else if ((k === "Delete" || k === "Backspace") && this.canEdit && !it.root) {
        ev.preventDefault();
        this.remove();
      } else if (k === "ArrowLeft" && it.parent) {
        ev.preventDefault();
        this.select(it.parent);
      } else if (k === "ArrowRight" && it.hidden) {
        ev.preventDefault();
        this.toggleFold(it.id);
      } else if (k === "ArrowRight" && it.kids.length) {
        ev.preventDefault();
        this.select(it.kids[Math.floor((it.kids.length - 1) / 2)].id);
      } else if (k === "ArrowUp" || k === "ArrowDown") {
        ev.preventDefault();
        var same = lay.order
          .map(function (id) {
            return lay.items[id];
          })
          .filter(function (o) {
            return o.depth === it.depth;
          })
          .sort(function (a, b) {
            return a.y - b.y;
          });
        var i = same.indexOf(it) + (k === "ArrowUp" ? -1 : 1);
        if (i >= 0 && i < same.length) this.select(same[i].id);
      }
    },

    // -- editing --
    placeEditor: function (x, y, w) {
      var p = vp.toScreen(x, y);
      this.editorPos = {
        left: Math.max(0, Math.round(p.x)) + "px",
        top: Math.max(0, Math.round(p.y)) + "px",
        width: Math.max(180, Math.round(w * vp.k)) + "px",
      };
    },
    startAdd: function (mode) {
      if (!this.canEdit || !lay) return;
      var it = lay.items[this.selected] || lay.items.root;
      if (mode === "child" && folded[it.id]) {
        this.toggleFold(it.id); // a new idea under a folded branch: open the branch first
        it = lay.items[it.id];
      }
      var parent = mode === "child" || it.root ? it.id : it.parent;
      this.editing = { mode: "add", parent: parent };
      this.draft = getDraft("mm-add-" + parent);
      if (mode === "child" || it.root) {
        var last = it.kids[it.kids.length - 1];
        this.placeEditor(it.x + it.w + GAP_X, last ? last.y + last.h + GAP_Y : it.y, MAX_W);
      } else {
        this.placeEditor(it.x, it.y + it.h + GAP_Y, MAX_W);
      }
      this.openEditor();
    },
    startEdit: function () {
      if (!this.canEdit || !lay) return;
      var it = lay.items[this.selected];
      if (!it || it.root) return;
      var v = (this.st.versions || {})["node." + it.id] || 0;
      this.editing = { mode: "edit", id: it.id, base: draftBase("mm-edit-" + it.id, v) };
      this.draft = getDraft("mm-edit-" + it.id) || it.text;
      this.placeEditor(it.x, it.y, Math.max(it.w, MAX_W));
      this.openEditor();
    },
    openEditor: function () {
      // Focus now, not on the next tick: keys typed right after Tab or Enter must land here.
      var ed = this.$refs.editor;
      this.error = "";
      ed.style.display = "";
      ed.style.left = this.editorPos.left;
      ed.style.top = this.editorPos.top;
      ed.style.width = this.editorPos.width;
      ed.value = this.draft;
      ed.focus();
      ed.select();
    },
    onDraft: function (ev) {
      this.draft = ev.target.value;
    },
    editorKey: function (ev) {
      // The editor sits inside the map frame: its keys must not reach the frame's onKey too.
      ev.stopPropagation();
      if (ev.key === "Enter" || ev.key === "Tab") {
        ev.preventDefault();
        var chain = ev.key === "Tab" ? "child" : null;
        var id = this.commit();
        if (chain && id) {
          this.selected = id;
          this.startAdd("child");
        }
      } else if (ev.key === "Escape") {
        ev.preventDefault();
        this.cancel();
      }
    },
    editorBlur: function () {
      if (this.editing) this.commit();
    },
    cancel: function () {
      if (this.editorDraft) clearDraft(this.editorDraft); // Escape: the person discards it
      this.editing = null;
      this.draft = "";
      this.focusMap();
    },
    commit: function () {
      var ed = this.editing;
      var field = this.editorDraft;
      var text = (this.$refs.editor.value || "").trim().slice(0, limits().node);
      this.editing = null;
      if (!ed || !text) {
        if (field) clearDraft(field);
        this.focusMap();
        return null;
      }
      var store = this.$store.kring;
      var id = null;
      if (ed.mode === "add") {
        id = store.newId("n");
        pendingIds[id] = true;
        this.selected = id;
        var added = this.send("mindmap.add", { id: id, parent: ed.parent, text: text }).then(function (r) {
          if (!r || r.t === "error") delete pendingIds[id];
          return r;
        });
        sentDraft(field, text, added);
      } else if (this.hasConflict("node." + ed.id)) {
        // The panel's choice comes first: the text stays a draft (core/drafts.js), and the focus
        // goes where the person clicked (the panel's buttons), not back to the map.
        return null;
      } else if (text !== (lay.items[ed.id] || {}).text) {
        this.sendEdit(ed.id, text, ed.base);
      } else {
        clearDraft(field);
      }
      this.focusMap();
      return id;
    },
    sendEdit: function (id, text, base) {
      var self = this;
      var sent = this.send("mindmap.edit", { id: id, text: text, base: base }).then(function (r) {
        // Refused as stale: this person's text goes back into the editor, beside the panel.
        if (self.conflictFrom("node." + id, "mm-edit-" + id, text, r) && lay && lay.items[id]) {
          self.selected = id;
          self.startEdit();
        }
        return r;
      });
      sentDraft("mm-edit-" + id, text, sent);
    },
    // A node's text changed under its editor (core/conflicts.js).
    resolveConflict: function (key, how, c) {
      var id = key.slice(5);
      if (how === "mine") this.sendEdit(id, c.mine, c.version);
      else if (how === "merge" && lay && lay.items[id]) {
        setDraft("mm-edit-" + id, c.merged); // from c.version on (mergeByHand rebased it)
        this.selected = id;
        this.startEdit();
      }
    },
    remove: function () {
      var it = lay && lay.items[this.selected];
      if (!it || it.root || !this.canEdit) return;
      var n = subtreeSize(this.st.mindmap.nodes, it.id) - 1;
      if (n > 0 && !window.confirm(this.f("confirmRemove", { n: n }))) return;
      // Keep the keyboard flow going: select the previous sibling, else the next, else the parent.
      var sibs = (lay.items[it.parent] || { kids: [] }).kids;
      var i = sibs.indexOf(it);
      var near = sibs[i - 1] || sibs[i + 1];
      var next = near ? near.id : it.parent || "root";
      this.send("mindmap.remove", { id: it.id });
      this.selected = next;
    },

    // -- pointer: select, drag to move, pan, wheel zoom --
    bindPointer: function () {
      var self = this;
      var svg = this.$refs.svg;
      svg.addEventListener("pointerdown", function (ev) {
        if (ev.button !== 0) return;
        var node = ev.target.closest && ev.target.closest(".mm-node");
        var toggle = ev.target.closest && ev.target.closest(".mm-toggle");
        drag = {
          toggle: toggle ? toggle.getAttribute("data-toggle") : null,
          id: node ? node.getAttribute("data-id") : null,
          node: node,
          x0: ev.clientX,
          y0: ev.clientY,
          tx0: vp.tx,
          ty0: vp.ty,
          active: false,
          target: null,
        };
        svg.setPointerCapture(ev.pointerId);
        self.focusMap();
        engaged = true;
      });
      svg.addEventListener("pointermove", function (ev) {
        if (!drag) return;
        var dx = ev.clientX - drag.x0;
        var dy = ev.clientY - drag.y0;
        if (!drag.active && Math.abs(dx) + Math.abs(dy) < 6) return;
        if (!drag.id) {
          drag.active = true;
          vp.tx = drag.tx0 + dx;
          vp.ty = drag.ty0 + dy;
          vp.touched = true;
          vp.apply();
          return;
        }
        if (drag.id === "root" || !self.canEdit) return;
        drag.active = true;
        var it = lay.items[drag.id];
        drag.node.classList.add("mm-dragging");
        drag.node.setAttribute(
          "transform",
          "translate(" + (it.x + dx / vp.k) + "," + (it.y + dy / vp.k) + ")"
        );
        var under = document.elementFromPoint(ev.clientX, ev.clientY);
        var tgt = under && under.closest ? under.closest(".mm-node") : null;
        if (drag.target && drag.target !== tgt) drag.target.classList.remove("mm-drop");
        drag.target = tgt && tgt !== drag.node ? tgt : null;
        if (drag.target) drag.target.classList.add("mm-drop");
      });
      function end(ev) {
        if (!drag) return;
        var d = drag;
        drag = null;
        if (svg.hasPointerCapture && svg.hasPointerCapture(ev.pointerId)) svg.releasePointerCapture(ev.pointerId);
        if (!d.active) {
          if (d.toggle) self.toggleFold(d.toggle);
          else if (d.id) self.select(d.id);
          return;
        }
        if (d.id && d.id !== "root") {
          var parent = d.target ? d.target.getAttribute("data-id") : null;
          var it = lay.items[d.id];
          if (parent && it && parent !== it.parent) {
            self.send("mindmap.move", { id: d.id, parent: parent });
            self.selected = d.id;
          }
          sig = ""; // redraw: snap the dragged node back until the server's view arrives
          self.render(self.st, self.$store.kring.lang, self.selected);
        }
      }
      svg.addEventListener("pointerup", end);
      svg.addEventListener("pointercancel", end);
      svg.addEventListener("dblclick", function (ev) {
        var node = ev.target.closest && ev.target.closest(".mm-node");
        if (!node) return;
        self.selected = node.getAttribute("data-id");
        if (self.selected === "root") self.startAdd("child");
        else self.startEdit();
      });
      svg.addEventListener(
        "wheel",
        function (ev) {
          ev.preventDefault();
          var r = svg.getBoundingClientRect();
          vp.zoom(ev.deltaY < 0 ? 1.12 : 1 / 1.12, ev.clientX - r.left, ev.clientY - r.top);
        },
        { passive: false }
      );
    },
  }), "mindmap");
}

component("mindmap", mindmapBoard);
