/* The phase's outcome fields (the method's `outcomes`: what the inbrenger did, "nu / gewenst" per
 * layer, the Socratic answer, ...) and, where the phase shows them (`show = ["outcomes"]`), the
 * outcomes of earlier phases pinned read-only. A writer's text is saved when they pause (about a
 * second) or leave the field, against the version they started from (`base`): a change made by
 * someone else meanwhile is never overwritten silently; they keep theirs, take the other, or merge
 * by hand. Alpine.data('outcomesPanel'). */
import { withConflicts } from "../core/conflicts.js";
import { clearDraft, sentDraft } from "../core/drafts.js";
import { versionedFields } from "../core/fields.js";
import { dict } from "../core/maps.js";
import { limits } from "../core/page.js";
import { proposalsFor } from "../core/proposals.js";
import { component } from "../core/store.js";
import { fieldEditors } from "../core/typing.js";
import { errorIn } from "../tools/board.js";
import { base } from "./base.js";

function outcomesPanel() {
  var stopEffect = null;
  // Keyed "<phase>/<field>"; the box (and draft) is "outcome-<phase>-<field>".
  var boxes = versionedFields({
    box: function (key) {
      return "outcome-" + key.replace("/", "-");
    },
    version: function (key) {
      return "outcome." + key;
    },
  });
  return base(withConflicts({
    error: "",
    init: function () {
      var self = this;
      stopEffect = Alpine.effect(function () {
        var st = self.$store.kring.state;
        if (!st || !st.outcomes) return;
        // Read here, not in the tick: a patch replaces only the sections it changed, so the effect
        // follows the phase (its fields appear with it) and the versions as well as the texts.
        var versions = st.versions || {};
        void st.phase;
        self.$nextTick(function () {
          var keys = self.mine.map(function (f) {
            return f.key;
          });
          boxes.sync(keys, versions, function (k) {
            return st.outcomes[k] || "";
          });
        });
      });
    },
    destroy: function () {
      if (stopEffect && Alpine.release) Alpine.release(stopEffect);
    },
    field: function (p, o, editable) {
      var key = p.id + "/" + o.id;
      var text = ((this.st && this.st.outcomes) || dict())[key] || "";
      return {
        key: key,
        phase: p.id,
        field: o.id,
        id: "outcome-" + p.id + "-" + o.id,
        label: this.tr(o.label),
        text: text,
        display: text || this.L.outcomeEmpty,
        empty: !text.trim(),
        editable: editable,
        conflictKey: "outcome." + key,
        editors: editable ? fieldEditors(this.$store.kring, "outcomes", "outcome-" + p.id + "-" + o.id) : "",
        propose: !!o.propose,
      };
    },
    // A field the group proposes and votes on (the method's `propose`): its proposals, most votes
    // first, and this person's voice (propose, vote) or the facilitator's choice (adopt).
    proposalsOf: function (f) {
      var self = this;
      var voice = (this.may.outcome_propose || []).indexOf(f.field) >= 0;
      var me = this.me;
      var L = this.L;
      return proposalsFor(this.st, f.key).map(function (p) {
        return {
          id: p.id,
          text: p.text,
          author: self.nameOf(p.author),
          votesText: self.f("proposalVotes", { n: p.votes }),
          mine: p.mine,
          pressed: p.mine ? "true" : "false",
          voteLabel: p.mine ? L.proposalUnvote : L.proposalVoteFor,
          adopted: p.adopted,
          cls: "proposal" + (p.adopted ? " is-adopted" : "") + (p.mine ? " is-mine" : ""),
          canVote: voice,
          canWithdraw: !p.adopted && (p.author === me || self.isFac),
        };
      });
    },
    withProposals: function (f) {
      if (!f.propose) return f;
      f.proposals = this.proposalsOf(f);
      f.noProposals = f.proposals.length === 0;
      f.canPropose = (this.may.outcome_propose || []).indexOf(f.field) >= 0;
      f.proposeId = f.id + "-propose";
      return f;
    },
    propose: function (ev) {
      var self = this;
      var form = ev.target;
      var box = form.querySelector("textarea");
      var text = box ? box.value.trim().slice(0, limits().text) : "";
      if (!text) return;
      this.error = "";
      var sent = Promise.resolve(
        this.cmd("outcome.propose", {
          field: form.getAttribute("data-field"),
          id: this.$store.kring.newId("p"),
          text: text,
        })
      ).then(function (r) {
        if (r && r.t === "error") self.error = errorIn(self.$store.kring, r.code);
        else if (box) box.value = "";
        return r;
      });
      sentDraft(box.id, text, sent); // kept in this browser until the server took it
    },
    proposalCmd: function (type, args) {
      var self = this;
      this.error = "";
      return Promise.resolve(this.cmd(type, args)).then(function (r) {
        if (r && r.t === "error") self.error = errorIn(self.$store.kring, r.code);
        return r;
      });
    },
    toggleVote: function (ev) {
      var btn = ev.currentTarget;
      var on = btn.getAttribute("aria-pressed") !== "true";
      this.proposalCmd("outcome.vote", { id: btn.getAttribute("data-id"), on: on });
    },
    withdrawProposal: function (ev) {
      this.proposalCmd("outcome.withdraw", { id: ev.currentTarget.getAttribute("data-id") });
    },
    adoptProposal: function (ev) {
      var id = ev.currentTarget.getAttribute("data-id");
      var p = ((this.st && this.st.proposals) || dict())[id];
      if (!p) return;
      var v = (this.st.versions || {})["outcome." + p.key] || 0;
      this.proposalCmd("outcome.adopt", { id: id, base: v });
    },
    // This phase's fields: editable for their writers, read-only for everyone else.
    get current() {
      var self = this;
      var p = this.cur;
      if (!p || !p.outcomes) return [];
      var mayW = this.may.outcome || [];
      return p.outcomes.map(function (o) {
        return self.withProposals(self.field(p, o, mayW.indexOf(o.id) >= 0));
      });
    },
    get mine() {
      return this.current.filter(function (f) {
        return f.editable;
      });
    },
    // Earlier phases' outcomes, pinned where this phase shows them.
    get pinned() {
      var self = this;
      var p = this.cur;
      var st = this.st;
      if (!p || !st || (p.show || []).indexOf("outcomes") < 0) return [];
      var out = [];
      st.method.phases.slice(0, st.phase.index).forEach(function (q) {
        (q.outcomes || []).forEach(function (o) {
          var f = self.field(q, o, false);
          f.from = self.tr(q.title);
          if (!f.empty) out.push(f);
        });
      });
      return out;
    },
    get visible() {
      return this.current.length > 0 || this.pinned.length > 0;
    },
    get hasPinned() {
      return this.pinned.length > 0;
    },
    get hasCurrent() {
      return this.current.length > 0;
    },
    get hasError() {
      return !!this.error;
    },
    save: function (ev) {
      boxes.cancelPause();
      var box = ev.target;
      var key = box.getAttribute("data-key");
      var f = this.mine.filter(function (x) {
        return x.key === key;
      })[0];
      if (!f || this.hasConflict("outcome." + key)) return; // the person chooses first
      var text = box.value.trim().slice(0, limits().text);
      if (text === f.text) {
        clearDraft(f.id);
        return;
      }
      this.setField(f, text, boxes.base(key));
    },
    setField: function (f, text, version) {
      var self = this;
      this.error = "";
      var sent = this.cmd("outcome.set", { phase: f.phase, field: f.field, text: text, base: version });
      boxes.sent(f.key, text, sent, function (r) {
        // Someone else changed the field since this person started: nothing is overwritten.
        if (r && r.t === "error" && !self.conflictFrom("outcome." + f.key, f.id, text, r)) {
          self.error = errorIn(self.$store.kring, r.code);
        }
      });
    },
    onType: function (ev) {
      var self = this;
      boxes.onType(ev, function (e) {
        self.save(e);
      });
    },
    // The conflict panel's choices (core/conflicts.js).
    resolveConflict: function (key, how, c) {
      var self = this;
      var k = key.slice("outcome.".length);
      var f = this.mine.filter(function (x) {
        return x.key === k;
      })[0];
      if (!f) return;
      boxes.resolve(k, how, c, function (text, version) {
        self.setField(f, text, version);
      });
    },
  }));
}

component("outcomesPanel", outcomesPanel);
