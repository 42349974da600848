/* Kring mind-map: a shared tree with the case question as root, drawn as SVG.
 *
 * window.KringMindmap.layout(nodes, rootText) -> {items, edges, bounds}: a tidy tree, root left,
 *   children to the right, each subtree a vertical band as tall as its leaves need.
 * window.KringMindmap.draw(svgGroup, layout, opts): (re)builds the SVG nodes with createElementNS
 *   and textContent only (CSP-safe); the report and the projector call it too.
 * Alpine.data('mindmap'): the interactive board (select, keyboard, drag to move, pan and zoom).
 * The client decides nothing: every change is a command; the server's view is redrawn.
 * Strings: the catalog section "mindmap." (client/i18n/<lang>.json).
 *
 * Longer than 600 lines on purpose for now: layout, drawing, the viewport and the board component
 * share measuring and wrapping through this one closure (classic scripts, no build step), and
 * KringBoard, which every board tool uses, lives here too; splitting it belongs to the move to
 * ES modules.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var FONT = "14px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var ROOT_FONT = "600 15px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var LINE_H = 18;
  var PAD_X = 9;
  var PAD_Y = 7;
  var GAP_X = 44;
  var GAP_Y = 8;
  var MAX_W = 210;
  var ROOT_MAX_W = 270;
  var MAX_LINES = 3;
  var ROOT_LINES = 6;
  var MAX_TEXT = 300;

  /* Shared by the board tools (mindmap.js is loaded on every page that has a board):
   * KringBoard.withActions(component) adds `error`, `hasError`, `send(type, args)` (a command
   * through the store; a refusal shows as `error`) and `clearError()`. */
  var actions = {
    error: "",
    get hasError() {
      return !!this.error;
    },
    send: function (type, args) {
      var self = this;
      self.error = "";
      return Promise.resolve(self.$store.kring.send(type, args)).then(
        function (r) {
          if (r && r.t === "error") self.error = r.message;
          return r;
        },
        function (e) {
          self.error = (e && (e.message || e.code)) || String(e);
        }
      );
    },
    clearError: function () {
      this.error = "";
    },
  };
  /* The view without Alpine's reactive proxy. Reading `$store.kring.state` still subscribes the
   * caller (conn.js replaces the whole view on every update), while the reads inside the view then
   * skip the proxy: a 200-node map is read many times per update. */
  function rawState(store) {
    var st = store.state;
    return st && window.Alpine.raw ? window.Alpine.raw(st) : st;
  }
  var common = {
    get st() {
      return rawState(this.$store.kring);
    },
    get may() {
      var st = rawState(this.$store.kring);
      return (st && st.may) || {};
    },
  };
  window.KringBoard = {
    rawState: rawState,
    /* component + `st` (the view), `may` (its permissions), the actions above and, with a
     * catalog `section` such as "forcefield": `L` (L.title is the key "forcefield.title" in the
     * current language) and `f(key, vars)` (the same with placeholders and plurals). */
    withActions: function (component, section) {
      // Copy property descriptors, not values: getters must stay getters.
      Object.defineProperties(component, Object.getOwnPropertyDescriptors(common));
      if (section) {
        Object.defineProperty(component, "L", {
          get: function () {
            return window.kringI18n.section(this.$store.kring.lang, section);
          },
          enumerable: true,
          configurable: true,
        });
        component.f = function (key, vars) {
          return window.kringI18n.t(this.$store.kring.lang, section + "." + key, vars);
        };
      }
      return Object.defineProperties(component, Object.getOwnPropertyDescriptors(actions));
    },
  };

  // --- text measuring and wrapping ---------------------------------------------------------
  var ctx = null;
  function measure(text, font) {
    if (ctx === null) {
      ctx = document.createElement("canvas").getContext("2d");
    }
    ctx.font = font;
    return ctx.measureText(text).width;
  }

  /* Greedy word wrap into at most maxLines lines of maxWidth px; long words are cut, and the
   * last line ends in an ellipsis when text is left over. */
  var wrapCache = new Map();
  function wrap(text, maxWidth, maxLines, font) {
    var key = font + "|" + maxWidth + "|" + maxLines + "|" + text;
    var hit = wrapCache.get(key);
    if (hit) return hit;
    var lines = wrapUncached(text, maxWidth, maxLines, font);
    if (wrapCache.size > 5000) wrapCache.clear();
    wrapCache.set(key, lines);
    return lines;
  }

  function wrapUncached(text, maxWidth, maxLines, font) {
    var words = String(text).replace(/\s+/g, " ").trim().split(" ");
    var lines = [];
    var cur = "";
    var i = 0;
    var truncated = false;
    while (i < words.length) {
      var w = words[i];
      var next = cur ? cur + " " + w : w;
      if (measure(next, font) <= maxWidth) {
        cur = next;
        i += 1;
        continue;
      }
      if (!cur) {
        // A single word wider than the box: cut it.
        var cut = w.length;
        while (cut > 1 && measure(w.slice(0, cut), font) > maxWidth) cut -= 1;
        cur = w.slice(0, cut);
        words[i] = w.slice(cut);
      }
      lines.push(cur);
      cur = "";
      if (lines.length === maxLines) {
        truncated = true;
        break;
      }
    }
    if (!truncated && cur) lines.push(cur);
    if (truncated || lines.length > maxLines) {
      lines = lines.slice(0, maxLines);
      var last = lines[maxLines - 1];
      while (last.length > 1 && measure(last + "…", font) > maxWidth) last = last.slice(0, -1);
      lines[maxLines - 1] = last + "…";
    }
    return lines.length ? lines : [""];
  }

  // --- layout ------------------------------------------------------------------------------
  function childrenOf(nodes) {
    var kids = Object.create(null);
    Object.keys(nodes).forEach(function (id) {
      var p = nodes[id].parent;
      (kids[p] || (kids[p] = [])).push(id);
    });
    return kids;
  }

  /* collapsed: optional {id: true} of branches drawn folded (a local view choice, never sent). */
  function layout(nodes, rootText, lang, collapsed) {
    nodes = nodes || {};
    collapsed = collapsed || {};
    var kids = childrenOf(nodes);
    var items = Object.create(null);
    var order = [];
    var colW = [];
    var rootLabel = rootText || window.kringI18n.t(lang, "mindmap.root");

    function build(id, text, depth, isRoot) {
      var font = isRoot ? ROOT_FONT : FONT;
      var maxW = isRoot ? ROOT_MAX_W : MAX_W;
      var lines = wrap(text, maxW - 2 * PAD_X, isRoot ? ROOT_LINES : MAX_LINES, font);
      var tw = 0;
      lines.forEach(function (ln) {
        tw = Math.max(tw, measure(ln, font));
      });
      var it = {
        id: id,
        text: text,
        lines: lines,
        depth: depth,
        root: isRoot,
        w: Math.max(56, Math.ceil(tw) + 2 * PAD_X),
        h: lines.length * LINE_H + 2 * PAD_Y,
        kids: [],
        hidden: 0,
        childCount: (kids[id] || []).length,
        x: 0,
        y: 0,
        parent: isRoot ? null : nodes[id].parent,
      };
      items[id] = it;
      order.push(id);
      colW[depth] = Math.max(colW[depth] || 0, it.w);
      if (collapsed[id] && !isRoot && it.childCount) {
        it.hidden = subtreeSize(nodes, id, kids) - 1;
      } else {
        (kids[id] || []).forEach(function (k) {
          if (!items[k]) it.kids.push(build(k, nodes[k].text, depth + 1, false));
        });
      }
      return it;
    }
    var root = build("root", rootLabel, 0, true);

    var colX = [0];
    for (var d = 1; d < colW.length; d++) colX[d] = colX[d - 1] + colW[d - 1] + GAP_X;

    // Each subtree takes a vertical band; a parent sits in the middle of its children's band.
    var cursor = 0;
    function place(it) {
      it.x = colX[it.depth];
      var start = cursor;
      if (!it.kids.length) {
        it.y = cursor;
        cursor += it.h + GAP_Y;
        return;
      }
      it.kids.forEach(place);
      var span = cursor - GAP_Y - start;
      if (it.h > span) {
        shift(it.kids, (it.h - span) / 2);
        cursor = start + it.h + GAP_Y;
        span = it.h;
      }
      var first = it.kids[0];
      var last = it.kids[it.kids.length - 1];
      var mid = (first.y + first.h / 2 + last.y + last.h / 2) / 2;
      it.y = mid - it.h / 2;
    }
    function shift(list, dy) {
      list.forEach(function (k) {
        k.y += dy;
        shift(k.kids, dy);
      });
    }
    place(root);

    var edges = [];
    var maxX = 0;
    var maxY = 0;
    order.forEach(function (id) {
      var it = items[id];
      maxX = Math.max(maxX, it.x + it.w);
      maxY = Math.max(maxY, it.y + it.h);
      it.kids.forEach(function (k) {
        edges.push({ from: it, to: k });
      });
    });
    return { items: items, order: order, edges: edges, bounds: { x: 0, y: 0, w: maxX, h: maxY } };
  }

  // --- drawing -----------------------------------------------------------------------------
  function el(name, attrs, parent) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, attrs[k]);
    });
    if (parent) parent.appendChild(e);
    return e;
  }

  function edgePath(a, b) {
    var x1 = a.x + a.w + (a.childCount && !a.root ? 22 : 0);
    var y1 = a.y + a.h / 2;
    var x2 = b.x;
    var y2 = b.y + b.h / 2;
    var mx = x1 + Math.max(16, (x2 - x1) / 2);
    return "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + mx + "," + y2 + " " + x2 + "," + y2;
  }

  /* Draw `lay` into `g`. Node groups are kept per id between calls and only rebuilt when their
   * text or fold state changes, so a 200-node map redraws cheaply on every update. */
  function draw(g, lay, opts) {
    opts = opts || {};
    var cache = g._mmCache;
    if (!cache || cache.g !== g || !g.firstChild) {
      while (g.firstChild) g.removeChild(g.firstChild);
      cache = { g: g, nodes: new Map(), edges: el("g", { class: "mm-edges" }, g), layer: el("g", { class: "mm-nodes" }, g) };
      g._mmCache = cache;
    }
    // Edges: reuse paths by position.
    var paths = cache.edges.childNodes;
    lay.edges.forEach(function (e, i) {
      var d = edgePath(e.from, e.to);
      var p = paths[i] || el("path", { class: "mm-edge" }, cache.edges);
      if (p.getAttribute("d") !== d) p.setAttribute("d", d);
    });
    while (paths.length > lay.edges.length) cache.edges.removeChild(cache.edges.lastChild);
    // Nodes: keyed by id.
    var seen = new Set();
    lay.order.forEach(function (id) {
      var it = lay.items[id];
      seen.add(id);
      var sigNode = it.text + "\u0000" + it.hidden + "\u0000" + it.childCount + "\u0000" + (opts.toggles !== false);
      var rec = cache.nodes.get(id);
      if (!rec || rec.sig !== sigNode) {
        var ng = buildNode(it, opts);
        if (rec) cache.layer.replaceChild(ng, rec.g);
        else cache.layer.appendChild(ng);
        rec = { g: ng, sig: sigNode, tr: "", cls: "" };
        cache.nodes.set(id, rec);
      }
      var tr = "translate(" + it.x + "," + it.y + ")";
      if (rec.tr !== tr) {
        rec.g.setAttribute("transform", tr);
        rec.tr = tr;
      }
      var cls = "mm-node" + (it.root ? " mm-root" : "") + (opts.selected === id ? " mm-selected" : "");
      if (rec.cls !== cls) {
        rec.g.setAttribute("class", cls);
        rec.cls = cls;
      }
    });
    cache.nodes.forEach(function (rec, id) {
      if (!seen.has(id)) {
        cache.layer.removeChild(rec.g);
        cache.nodes.delete(id);
      }
    });
  }

  function buildNode(it, opts) {
    var ng = el("g", { "data-id": it.id });
    var title = el("title", {}, ng);
    title.textContent = it.text;
    el("rect", { width: it.w, height: it.h, rx: it.root ? 8 : 6, ry: it.root ? 8 : 6 }, ng);
    var t = el("text", { x: PAD_X, y: PAD_Y + 14 }, ng);
    it.lines.forEach(function (ln, i) {
      var span = el("tspan", { x: PAD_X, dy: i === 0 ? 0 : LINE_H }, t);
      span.textContent = ln;
    });
    if (it.childCount && !it.root && opts.toggles !== false) {
      // Fold or unfold a branch; a folded one shows how many nodes it hides.
      var label = it.hidden ? "+" + it.hidden : "−";
      var tw = it.hidden ? Math.max(22, 9 + 7.5 * label.length) : 18;
      var tg = el("g", { class: "mm-toggle" + (it.hidden ? " is-folded" : ""), "data-toggle": it.id }, ng);
      el("rect", { x: it.w + 4, y: it.h / 2 - 9, width: tw, height: 18, rx: 9, ry: 9 }, tg);
      var tt = el("text", { x: it.w + 4 + tw / 2, y: it.h / 2 + 4.5, "text-anchor": "middle" }, tg);
      tt.textContent = label;
    }
    return ng;
  }

  /* The mind-map as a nested outline: [{text, children:[...]}] with the root first. */
  function outline(nodes, rootText) {
    nodes = nodes || {};
    var kids = childrenOf(nodes);
    function walk(id) {
      return (kids[id] || []).map(function (k) {
        return { id: k, text: nodes[k].text, children: walk(k) };
      });
    }
    return { id: "root", text: rootText, children: walk("root") };
  }

  function subtreeSize(nodes, id, kids) {
    kids = kids || childrenOf(nodes);
    var n = 0;
    var stack = [id];
    while (stack.length) {
      var cur = stack.pop();
      n += 1;
      stack.push.apply(stack, kids[cur] || []);
    }
    return n;
  }

  /* Pan and zoom of one <g> inside one <svg>; returns a small controller. */
  function viewport(svg, g) {
    var v = { k: 1, tx: 20, ty: 20, touched: false };
    function apply() {
      g.setAttribute("transform", "translate(" + v.tx + "," + v.ty + ") scale(" + v.k + ")");
    }
    v.apply = apply;
    v.size = function () {
      var r = svg.getBoundingClientRect();
      return { w: r.width || 800, h: r.height || 500 };
    };
    v.fit = function (b, minK, anchorY, maxK) {
      var s = v.size();
      var pad = 24;
      var k = Math.min((s.w - 2 * pad) / Math.max(b.w, 1), (s.h - 2 * pad) / Math.max(b.h, 1), maxK || 1.1);
      if (minK && k < minK) {
        k = minK;
        v.k = k;
        v.tx = pad - b.x * k;
        v.ty = s.h / 2 - (anchorY === undefined ? b.y + b.h / 2 : anchorY) * k;
      } else {
        v.k = k;
        v.tx = (s.w - b.w * k) / 2 - b.x * k;
        v.ty = (s.h - b.h * k) / 2 - b.y * k;
      }
      apply();
    };
    v.zoom = function (factor, cx, cy) {
      var s = v.size();
      if (cx === undefined) {
        cx = s.w / 2;
        cy = s.h / 2;
      }
      var k = Math.min(3, Math.max(0.08, v.k * factor));
      v.tx = cx - ((cx - v.tx) * k) / v.k;
      v.ty = cy - ((cy - v.ty) * k) / v.k;
      v.k = k;
      v.touched = true;
      apply();
    };
    v.toScreen = function (x, y) {
      return { x: x * v.k + v.tx, y: y * v.k + v.ty };
    };
    v.ensureVisible = function (it) {
      var s = v.size();
      var p = v.toScreen(it.x, it.y);
      var w = it.w * v.k;
      var h = it.h * v.k;
      var dx = 0;
      var dy = 0;
      if (p.x < 10) dx = 10 - p.x;
      else if (p.x + w > s.w - 10) dx = s.w - 10 - (p.x + w);
      if (p.y < 10) dy = 10 - p.y;
      else if (p.y + h > s.h - 10) dy = s.h - 10 - (p.y + h);
      if (dx || dy) {
        v.tx += dx;
        v.ty += dy;
        apply();
      }
    };
    apply();
    return v;
  }

  /* The first-level branches that have children: folding them gives a one-screen overview. */
  function overviewFolds(nodes) {
    var hasKids = Object.create(null);
    var out = Object.create(null);
    Object.keys(nodes || {}).forEach(function (id) {
      hasKids[nodes[id].parent] = true;
    });
    Object.keys(nodes || {}).forEach(function (id) {
      if (nodes[id].parent === "root" && hasKids[id]) out[id] = true;
    });
    return out;
  }
  var BIG_MAP = 60; // from this many nodes a newly opened map starts as an overview

  window.KringMindmap = {
    overviewFolds: overviewFolds,
    BIG_MAP: BIG_MAP,
    layout: layout,
    draw: draw,
    outline: outline,
    viewport: viewport,
    wrap: wrap,
  };

  // --- the interactive board ---------------------------------------------------------------
  function component() {
    // Kept out of Alpine's reactive proxy: layout, viewport and drag state change often.
    var lay = null;
    var vp = null;
    var sig = "";
    var drag = null;
    var stopEffect = null;
    var resizeObs = null;
    var folded = Object.create(null); // branches this viewer folded (local only)
    var firstDrawn = false;
    var foldGen = 0;
    var pendingIds = Object.create(null); // ids this client added that the server has not sent back yet
    // Tab adds an idea only once the user works in the map (a click, an arrow, Enter, F2...): a
    // keyboard user who Tabs in can Tab on past it, and Esc hands Tab back (WCAG 2.1.2, no trap).
    var engaged = false;

    return window.KringBoard.withActions({
      selected: "root",
      editing: null, // {mode: "add"|"edit", id, parent}
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
        // Many views can arrive in one frame (a burst of additions): draw at most once per frame.
        var queued = false;
        stopEffect = Alpine.effect(function () {
          void self.$store.kring.state;
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
        return !!this.st && this.$store.kring.tool("mindmap");
      },
      get canEdit() {
        return !!(this.st && this.st.may && this.st.may.mindmap);
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
      get countLabel() {
        return this.f("nodeCount", { n: this.count });
      },
      get isEmpty() {
        return this.count === 0;
      },
      get editorStyle() {
        return this.editorPos;
      },

      // -- rendering --
      render: function (st, lang, sel) {
        if (!st || !st.mindmap) return;
        var mm = st.mindmap;
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
        folded = Object.create(null);
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
        this.draft = "";
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
        this.editing = { mode: "edit", id: it.id };
        this.draft = it.text;
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
        this.editing = null;
        this.draft = "";
        this.focusMap();
      },
      commit: function () {
        var ed = this.editing;
        var text = (this.$refs.editor.value || "").trim().slice(0, MAX_TEXT);
        this.editing = null;
        if (!ed || !text) {
          this.focusMap();
          return null;
        }
        var store = this.$store.kring;
        var id = null;
        if (ed.mode === "add") {
          id = store.newId("n");
          pendingIds[id] = true;
          this.selected = id;
          this.send("mindmap.add", { id: id, parent: ed.parent, text: text }).then(function (r) {
            if (!r || r.t === "error") delete pendingIds[id];
          });
        } else if (text !== (lay.items[ed.id] || {}).text) {
          this.send("mindmap.edit", { id: ed.id, text: text });
        }
        this.focusMap();
        return id;
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
    }, "mindmap");
  }

  document.addEventListener("alpine:init", function () {
    window.Alpine.data("mindmap", component);
  });
})();
