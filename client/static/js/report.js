/* Kring session report page (/r/{room}/report#KEY): a read-only rendering of this viewer's view,
 * with downloads of the Markdown report and the visible event log (POST /r/{room}/export).
 * Connecting is conn.js's job (core/session.js); this file only reads Alpine.store('kring'). */
import "./core/conn.js";
import { download } from "./core/dom.js";
import { dict } from "./core/maps.js";
import { proposalsFor } from "./core/proposals.js";
import { enums, pageData, readFragment } from "./core/page.js";
import { boot, credentials } from "./core/session.js";
import { component } from "./core/store.js";
import { rawState, withActions } from "./tools/board.js";
import { draw as drawForcefield, sorted } from "./tools/forcefield-draw.js";
import { watchPicture, withPicture } from "./tools/drawing-draw.js";
import { draw as drawMindmap } from "./tools/mindmap-draw.js";
import { layout, outline } from "./tools/mindmap-layout.js";
import { isoDay, longDate } from "./core/time.js";
import { groups as pairGroups } from "./tools/pairs-rows.js";
import { rows as planRows } from "./tools/plan-rows.js";

function fmtMin(ms) {
  return Math.round((ms || 0) / 60000);
}

function reportPage() {
  var stopEffect = null;
  var sig = "";
  var data = pageData();
  var stopPicture = null;
  return withActions(withPicture({
    busy: false,
    room: data.room || location.pathname.split("/")[2],

    needName: false,
    joinName: "",

    init: function () {
      var self = this;
      this.needName = !boot(this.$store.kring, this.room, null);
      stopEffect = Alpine.effect(function () {
        var st = rawState(self.$store.kring);
        var lang = self.$store.kring.lang;
        if (!st) return;
        var s = JSON.stringify([st.mindmap, st.forcefield, lang]);
        if (s === sig) return;
        sig = s;
        self.$nextTick(function () {
          self.drawFigures(st, lang);
        });
      });
      stopPicture = watchPicture(this, "drsvg");
    },
    destroy: function () {
      if (stopEffect && Alpine.release) Alpine.release(stopEffect);
      if (stopPicture && Alpine.release) Alpine.release(stopPicture);
    },

    get ready() {
      return !!this.st;
    },
    get loading() {
      return !this.st && !this.needName;
    },
    get noKey() {
      return this.needName && !readFragment();
    },
    get offline() {
      return !!this.st && !this.$store.kring.connected;
    },
    get title() {
      return this.st ? this.L.report + ": " + this.st.room.title : this.L.report;
    },
    get meta() {
      var st = this.st;
      if (!st) return "";
      // A group meeting's planned date, else the day it was made; one date format per language.
      var when = longDate(st.room.date || isoDay(st.room.created), this.$store.kring.lang);
      return this.L.method + ": " + this.$store.kring.tr(st.method.name) + " · " + this.L.created + " " + when;
    },
    get roomUrl() {
      return "/r/" + encodeURIComponent(this.room) + location.hash;
    },
    get phases() {
      var st = this.st;
      if (!st) return [];
      var store = this.$store.kring;
      var now = store.now();
      return st.method.phases.map(function (p, i) {
        var used = p.used_ms + (i === st.phase.index ? Math.max(0, now - st.phase.started) : 0);
        var usedMin = fmtMin(used);
        return {
          id: p.id,
          n: i + 1,
          title: store.tr(p.title),
          planned: p.minutes,
          used: usedMin,
          cls: usedMin > p.minutes ? "is-over" : "",
        };
      });
    },
    get totals() {
      var rows = this.phases;
      return {
        planned: rows.reduce(function (a, r) {
          return a + r.planned;
        }, 0),
        used: rows.reduce(function (a, r) {
          return a + r.used;
        }, 0),
      };
    },
    get question() {
      return (this.st && this.st.case.question) || this.L.noQuestion;
    },
    get reformulation() {
      return (this.st && this.st.case.reformulation) || "";
    },
    get knowledge() {
      var k = this.st && this.st.knowledge;
      return k ? { title: k.title, text: k.text, link: k.link || "" } : null;
    },
    // Pair work, per round and per pair (server/report_pairs.py writes the same in Markdown).
    get pairRounds() {
      var st = this.st;
      if (!st || !st.pairs) return [];
      var self = this;
      var store = this.$store.kring;
      var titles = dict();
      st.method.phases.forEach(function (p) {
        titles[p.id] = store.tr(p.title);
      });
      return st.pairs.map(function (rnd, r) {
        var groups = pairGroups(st, r, store.name.bind(store), function (i, size) {
          return self.f(size < 3 ? "pairGroup" : "trioGroup", { n: i + 1 });
        });
        return {
          key: String(r),
          title: self.L.pairs + ": " + (titles[rnd.phase] || rnd.phase),
          groups: groups.map(function (g) {
            return Object.assign({}, g, { heading: g.label + ": " + g.names });
          }),
        };
      });
    },
    get hasKnowledge() {
      return !!this.knowledge;
    },
    get hasReformulation() {
      return !!this.reformulation;
    },
    get hasMindmap() {
      return !!this.st && Object.keys(this.st.mindmap.nodes).length > 0;
    },
    /* The mind-map as flat rows with a depth, for an indented outline. */
    get outline() {
      if (!this.hasMindmap) return [];
      var o = outline(this.st.mindmap.nodes, this.st.mindmap.root);
      var rows = [];
      (function walk(list, depth) {
        list.forEach(function (n) {
          rows.push({ id: n.id, text: n.text, cls: "outline-d" + Math.min(depth, 8), indent: { marginLeft: depth * 1.4 + "rem" } });
          walk(n.children, depth + 1);
        });
      })(o.children, 1);
      return [{ id: "root", text: this.st.mindmap.root, cls: "outline-root", indent: {} }].concat(rows);
    },
    get hasForces() {
      var ff = this.st && this.st.forcefield;
      return !!ff && (Object.keys(ff.forces).length > 0 || !!ff.current || !!ff.desired);
    },
    get ffCurrent() {
      return (this.st && this.st.forcefield.current) || "–";
    },
    get ffDesired() {
      return (this.st && this.st.forcefield.desired) || "–";
    },
    get forceSides() {
      var st = this.st;
      if (!st) return [];
      var T = this.L;
      var store = this.$store.kring;
      return enums().force_sides.map(function (side) {
        var rows = sorted(st.forcefield.forces, side).map(function (f) {
          var s = f.summary;
          var parts = enums().rating_keys
            .filter(function (k) {
              return s[k].mean !== null;
            })
            .map(function (k) {
              return T[k] + " " + s[k].mean.toFixed(1) + " (±" + s[k].spread.toFixed(1) + ")";
            });
          var keys = enums().rating_keys;
          var who = Object.keys(f.ratings || dict()).map(function (pid) {
            var r = f.ratings[pid];
            return (
              store.name(pid) +
              " " +
              keys
                .map(function (k) {
                  return r[k];
                })
                .join("/")
            );
          });
          return {
            id: f.id,
            text: (f.influenceable ? "★ " : "") + f.text,
            cls: f.influenceable ? "is-flagged" : "",
            stats: parts.length ? parts.join(" · ") + " · n=" + s.n : T.unrated,
            flag: f.influenceable ? T.influenceable : "",
            ratings: who.length ? T.perPerson + ": " + who.join("; ") : "",
            // The inbrenger's own scores (they decide), and the forces it hangs together with.
            decided: f.decided
              ? T.decided + ": " + keys.map(function (k) {
                  return T[k] + " " + f.decided[k];
                }).join(" · ")
              : "",
            links: (st.forcefield.links || [])
              .filter(function (p) {
                return p.indexOf(f.id) >= 0;
              })
              .map(function (p) {
                var o = st.forcefield.forces[p[0] === f.id ? p[1] : p[0]];
                return o ? o.text : "";
              })
              .join("; "),
          };
        });
        return { side: side, title: T[side], rows: rows, cls: side };
      });
    },
    /* The method's own phases as sections (server/report.py `_phase_sections`, the same in the
     * Markdown): each with its outcome fields, its cards by kind and the revealed notes written in
     * it, labelled by their writers' roles. Only phases where something was written. */
    get sections() {
      var st = this.st;
      if (!st) return [];
      var T = this.L;
      var store = this.$store.kring;
      var outcomes = st.outcomes || {};
      var cards = Object.keys(st.cards)
        .map(function (id) {
          return Object.assign({ id: id }, st.cards[id]);
        })
        .filter(function (c) {
          return !c.private || c.revealed;
        })
        .sort(function (a, b) {
          return a.at - b.at;
        });
      var notes = Object.keys(st.notes)
        .map(function (id) {
          return Object.assign({ id: id }, st.notes[id]);
        })
        .filter(function (n) {
          return n.revealed;
        });
      var groupOf = function (pid) {
        var roles = (st.participants[pid] && st.participants[pid].roles) || [];
        if (roles.indexOf("inbrenger") >= 0) return "inbrenger";
        return roles.indexOf("listener") >= 0 ? "listeners" : "others";
      };
      var out = [];
      st.method.phases.forEach(function (p, i) {
        var fields = (p.outcomes || [])
          .map(function (o) {
            return { key: p.id + "/" + o.id, label: store.tr(o.label), text: outcomes[p.id + "/" + o.id] || "" };
          })
          .filter(function (f) {
            return !!f.text;
          });
        var here = cards.filter(function (c) {
          return c.phase === p.id;
        });
        var kinds = [];
        here.forEach(function (c) {
          var g = kinds.filter(function (k) {
            return k.kind === c.kind;
          })[0];
          if (!g) {
            g = { kind: c.kind, title: T["kinds." + c.kind] || c.kind, cards: [] };
            kinds.push(g);
          }
          g.cards.push({
            id: c.id,
            text: c.text,
            author: store.name(c.author),
            usefulText: c.useful ? "✓ " + T.useful : "",
            useful: !!c.useful,
            cls: c.useful ? "is-useful" : "",
          });
        });
        var noteGroups = ["inbrenger", "listeners", "others"]
          .map(function (g) {
            return {
              g: g,
              title: T["notesOf." + g],
              notes: notes
                .filter(function (n) {
                  return n.phase === p.id && groupOf(n.author) === g;
                })
                .map(function (n) {
                  return { id: n.id, text: n.text, author: store.name(n.author) };
                }),
            };
          })
          .filter(function (g) {
            return g.notes.length > 0;
          });
        // Proposals the group voted on for a field (server/report.py `_proposal_lines`).
        var proposals = [];
        (p.outcomes || []).forEach(function (o) {
          proposalsFor(st, p.id + "/" + o.id).forEach(function (x) {
            proposals.push({
              id: x.id,
              text: x.text,
              author: store.name(x.author) + ", " + store.t("report.proposalVotes", { n: x.votes }),
              chosen: !!x.adopted,
              chosenText: x.adopted ? "✓ " + T.chosen : "",
            });
          });
        });
        if (fields.length || kinds.length || noteGroups.length || proposals.length) {
          out.push({
            id: p.id,
            title: i + 1 + ". " + store.tr(p.title),
            fields: fields,
            kinds: kinds,
            notes: noteGroups,
            proposals: proposals,
          });
        }
      });
      return out;
    },
    get hasSections() {
      return this.sections.length > 0;
    },
    // The action plan only where the method has one.
    get hasPlan() {
      var st = this.st;
      return (
        !!st &&
        st.method.phases.some(function (p) {
          return p.tools.indexOf("plan") >= 0;
        })
      );
    },
    get plan() {
      var st = this.st;
      if (!st) return [];
      return planRows(st.plan, this.$store.kring.lang, this.L.empty);
    },
    // The evaluation plan (criteria, check moments): where the method has one, or it was written.
    get hasEvalPlan() {
      var st = this.st;
      if (!st) return false;
      return (
        st.method.phases.some(function (p) {
          return p.plan === "evaluation";
        }) ||
        enums().eval_plan_fields.some(function (f) {
          return !!st.plan[f];
        })
      );
    },
    get evalPlan() {
      return this.st ? planRows(this.st.plan, this.$store.kring.lang, this.L.empty, "evaluation") : [];
    },
    get evalPlanTitle() {
      return this.$store.kring.t("plan.evalTitle");
    },
    get evaluation() {
      var ev = this.st && this.st.evaluation;
      if (!ev || !ev.n) return [];
      var T = this.L;
      return enums().eval_keys
        .filter(function (k) {
          return ev[k] && ev[k].n;
        })
        .map(function (k) {
          // The mean only once the evaluation is closed and enough people answered; else the count.
          var n = ev[k].n + " " + T.responses;
          return { key: k, label: T[k], text: ev[k].mean === null ? n : ev[k].mean.toFixed(1) + " / 5 (" + n + ")" };
        });
    },
    get hasEvaluation() {
      return this.evaluation.length > 0 || this.hasMine;
    },
    // The reader's own answers: their view carries only theirs (evaluation.mine), nobody else's.
    get mineRows() {
      var ev = this.st && this.st.evaluation;
      var m = (ev && ev.mine) || {};
      var T = this.L;
      var rows = [];
      ["content", "process"].forEach(function (k) {
        if (m[k]) rows.push({ key: k, label: T[k], text: String(m[k]) });
      });
      if (m.learned) rows.push({ key: "learned", label: T.learned, text: m.learned });
      return rows;
    },
    get hasMine() {
      return this.mineRows.length > 0;
    },
    get participants() {
      var st = this.st;
      if (!st) return [];
      return Object.keys(st.participants).map(function (pid) {
        return { pid: pid, name: st.participants[pid].name };
      });
    },

    drawFigures: function (st, lang) {
      var svg = this.$refs.mmsvg;
      if (svg && Object.keys(st.mindmap.nodes).length) {
        var lay = layout(st.mindmap.nodes, st.mindmap.root, lang);
        var g = this.$refs.mmworld;
        drawMindmap(g, lay, { toggles: false });
        var b = lay.bounds;
        svg.setAttribute("viewBox", [b.x - 10, b.y - 10, b.w + 20, b.h + 20].join(" "));
        g.removeAttribute("transform");
      }
      var ff = this.$refs.ffsvg;
      if (ff) drawForcefield(ff, st.forcefield, lang);
    },

    onName: function (ev) {
      this.joinName = ev.target.value;
    },
    join: function () {
      var name = this.joinName.trim();
      if (name && boot(this.$store.kring, this.room, name)) this.needName = false;
    },
    // "PDF": the browser's print dialog, where "Save as PDF" is one choice; the document's title
    // becomes the file's name meanwhile.
    printPage: function () {
      var before = document.title;
      if (this.st) document.title = this.L.report + " " + this.st.room.title + " " + (this.st.room.date || isoDay(this.st.room.created));
      window.addEventListener(
        "afterprint",
        function () {
          document.title = before;
        },
        { once: true }
      );
      window.print();
    },
    downloadMd: function () {
      this.download("md");
    },
    downloadLog: function () {
      this.download("json");
    },
    download: function (format) {
      var self = this;
      var store = this.$store.kring;
      var c = credentials(store, this.room);
      this.busy = true;
      this.error = "";
      return fetch("/r/" + encodeURIComponent(this.room) + "/export", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ key: c.key, token: c.token, format: format, lang: store.lang }),
      })
        .then(function (res) {
          if (!res.ok) {
            return res.json().then(
              function (j) {
                throw new Error(j.message || res.status);
              },
              function () {
                throw new Error(String(res.status));
              }
            );
          }
          return res.blob();
        })
        .then(function (blob) {
          var slug = (self.st ? self.st.room.title : "kring").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "kring";
          var name = format === "md" ? "kring-" + store.t("report.fileName") + "-" + slug + ".md" : "kring-log-" + slug + ".json";
          download(name, blob, 10000);
        })
        .catch(function (e) {
          self.error = self.L.failed + (e && e.message ? e.message : e);
        })
        .then(function () {
          self.busy = false;
        });
    },
  }), "report");
}

component("report", reportPage);
