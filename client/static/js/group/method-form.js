/* The method editor's form (group/method-editor.js): a method as an editable draft and back as the
 * schema's dict (server/methods.py: Method.to_dict / parse_method), and where in the form a refusal
 * of the loader points.
 *
 *   phaseDraft(phase)                  a phase as the form edits it (with a uid for its inputs)
 *   methodData(draft)                  the draft as the schema's dict
 *   locate(problem, phases, L, lang)   {text, target}: the field a refusal names, and its input's id
 *   problemText(problem, where, K)     the refusal in the page's language
 *   setPath(obj, "a.b", value)
 */
import { kringI18n } from "../core/i18n.js";
import { schema } from "./api.js";

var uid = 0;

export function phaseDraft(p) {
  uid += 1;
  return {
    uid: "p" + uid,
    id: p.id || "",
    title: { nl: (p.title && p.title.nl) || "", en: (p.title && p.title.en) || "" },
    instructions: { nl: (p.instructions && p.instructions.nl) || "", en: (p.instructions && p.instructions.en) || "" },
    minutes: p.minutes === undefined ? 10 : String(p.minutes),
    tools: (p.tools || []).slice(),
    show: (p.show || []).slice(),
    // The board areas in screen order, as the form's text field has them: "cards, plan".
    order: (p.order || []).join(", "),
    cards: (p.cards || []).slice(),
    writers: (p.writers || ["all"]).slice(),
    note_writers: (p.note_writers || ["listeners"]).slice(),
    private: !!p.private,
    rate: !!p.rate,
    plan: p.plan || "smart",
    fallback: p.fallback || "",
    // Issue 24's keys: per-person cap, the listening inbrenger, hints, and the outcome fields as
    // lines "id | label nl | label en | writers | propose" (writers optional, space-separated;
    // "propose" where the group proposes and votes).
    per_person: p.per_person ? String(p.per_person) : "",
    inbrenger_listens: !!p.inbrenger_listens,
    hints: (p.hints || []).slice(),
    outcomes: (p.outcomes || [])
      .map(function (o) {
        var w = (o.writers || []).join(" ");
        var tail = o.propose ? [w, "propose"] : w ? [w] : [];
        return [o.id, o.label.nl, o.label.en].concat(tail).join(" | ");
      })
      .join("\n"),
  };
}

// "id | nl | en | writers | propose" lines as the schema's outcome tables (the loader checks the
// rest).
function outcomesData(text) {
  return String(text || "")
    .split("\n")
    .map(function (line) {
      return line.split("|").map(function (x) {
        return x.trim();
      });
    })
    .filter(function (parts) {
      return parts.join("") !== "";
    })
    .map(function (parts) {
      var o = { id: parts[0] || "", label: { nl: parts[1] || "", en: parts[2] || "" } };
      var w = (parts[3] || "").split(/[\s,]+/).filter(function (x) {
        return x !== "";
      });
      if (w.length) o.writers = w;
      if ((parts[4] || "") === "propose") o.propose = true;
      return o;
    });
}

// "role | nl | en" lines as the method's labels table.
export function labelsText(labels) {
  return Object.keys(labels || {})
    .map(function (role) {
      return [role, labels[role].nl, labels[role].en].join(" | ");
    })
    .join("\n");
}

function labelsData(text) {
  var out = {};
  String(text || "")
    .split("\n")
    .forEach(function (line) {
      var parts = line.split("|").map(function (x) {
        return x.trim();
      });
      if (parts.join("") !== "") out[parts[0]] = { nl: parts[1] || "", en: parts[2] || "" };
    });
  return out;
}

function minutesValue(v) {
  var s = String(v).trim();
  return /^\d+$/.test(s) ? parseInt(s, 10) : s;
}

// The draft as the schema's dict (server/methods.py: Method.to_dict / parse_method).
export function methodData(d) {
  return {
    id: d.id.trim(),
    name: { nl: d.name.nl, en: d.name.en },
    summary: d.summary,
    purpose: d.purpose,
    level: d.level,
    kind: d.kind,
    roles: d.roles.slice(),
    rules: d.rules.slice(),
    source: d.source,
    labels: labelsData(d.labels),
    facilitator_writes: d.facilitator_writes !== false,
    phases: d.phases.map(function (p) {
      return {
        id: p.id.trim(),
        title: { nl: p.title.nl, en: p.title.en },
        instructions: { nl: p.instructions.nl, en: p.instructions.en },
        minutes: minutesValue(p.minutes),
        tools: p.tools.slice(),
        show: p.show.slice(),
        order: String(p.order || "")
          .split(/[\s,]+/)
          .filter(function (x) {
            return x !== "";
          }),
        cards: p.cards.slice(),
        writers: p.writers.slice(),
        note_writers: p.note_writers.slice(),
        private: p.private,
        rate: p.rate,
        plan: p.plan,
        fallback: p.fallback,
        per_person: p.per_person === "" ? 0 : minutesValue(p.per_person),
        inbrenger_listens: !!p.inbrenger_listens,
        hints: p.hints.slice(),
        outcomes: outcomesData(p.outcomes),
      };
    }),
  };
}

// A refused method comes with the loader's {code, path, params} (server/methods.py MethodError):
// the path (["phases", 0, "title", "nl"]) maps to the form, the label a person sees and the
// input to go to; the code to the catalog's "methodError.<code>".
var PHASE_FIELDS = {
  id: ["grpPhaseId", "-id"],
  minutes: ["minutes", "-min"],
  "title.nl": ["grpTitleNl", "-tnl"],
  "title.en": ["grpTitleEn", "-ten"],
  "instructions.nl": ["grpInstrNl", "-inl"],
  "instructions.en": ["grpInstrEn", "-ien"],
  tools: ["grpTools", "-tools-"],
  show: ["grpShow", "-show-"],
  order: ["grpOrder", "-order"],
  cards: ["grpCardKinds", "-cards-"],
  writers: ["grpWriters", "-writers-"],
  private: ["grpPrivate", "-priv"],
  rate: ["grpRate", "-rate"],
  plan: ["grpPlanForm", "-planform"],
  fallback: ["grpFallback", "-fb"],
  per_person: ["grpPerPerson", "-pp"],
  inbrenger_listens: ["grpListens", "-listens"],
  hints: ["grpHints", "-hints-"],
  outcomes: ["grpOutcomes", "-outcomes"],
};
var METHOD_FIELDS = {
  id: ["grpMethodId", "me-id"],
  "name.nl": ["grpNameNl", "me-name-nl"],
  "name.en": ["grpNameEn", "me-name-en"],
  level: ["filterLevel", "me-level"],
  kind: ["filterKind", "me-kind"],
};

export function locate(problem, phases, L, lang) {
  var path = (problem && problem.path) || [];
  if (path[0] !== "phases") {
    var top = METHOD_FIELDS[path.join(".")];
    return top ? { text: L[top[0]], target: top[1] } : null;
  }
  var i = path[1];
  var p = typeof i === "number" ? phases[i] : null;
  if (!p) return null;
  var where = kringI18n.t(lang, "grpPhaseN", { n: i + 1 });
  var f = PHASE_FIELDS[path.slice(2).join(".")];
  if (!f) return { text: where, target: p.uid + "-id" };
  var target = p.uid + f[1];
  if (f[1].slice(-1) === "-") {
    // a list of checkboxes: go to the first one of its group
    var list = f[1].slice(1, -1);
    target += schema()[list === "cards" ? "card_kinds" : list][0];
  }
  return { text: where + " · " + L[f[0]], target: target };
}

// ["phases", 0, "title", "nl"] -> "phases[0].title.nl", as the loader writes it.
function pathText(path) {
  var out = "";
  path.forEach(function (p) {
    out += typeof p === "number" ? "[" + p + "]" : out ? "." + p : p;
  });
  return out;
}

// The refusal in the page's language; with the field's path when the form has no place for it.
export function problemText(problem, where, K) {
  if (!problem) return "";
  var msg = K.t("methodError." + problem.code, problem.params || {});
  var path = problem.path || [];
  return where || !path.length ? msg : K.t("grpErrorAt", { where: pathText(path), message: msg });
}

export function setPath(obj, path, value) {
  var parts = path.split(".");
  var o = obj;
  for (var i = 0; i < parts.length - 1; i++) o = o[parts[i]];
  o[parts[parts.length - 1]] = value;
}
