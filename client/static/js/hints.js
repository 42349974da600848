/* Kring question hints: applies the server's rule table (server/hints.py, client_rules()).
 *
 * An ES module, no eval (RegExp objects are built from the JSON patterns, which is CSP-safe).
 * Mirrors server/hints.py: normalise the text, then the first matching rule decides; rules arrive
 * in precedence order. A rule with code "open" means "no hint".
 * The work per text is bounded as on the server: the filler words in front are dropped in one
 * pass, the rules anchored at the start ("^…") see the next WINDOW characters, the tag-question
 * rules the last WINDOW characters.
 *
 *   check(text, rules) -> "advice" | "leading" | "closed" | null
 *   normalise(text)
 */

var NO_HINT = "open";
// Keep these three in step with normalise() in server/hints.py.
var LEADING_NOISE = /^[\s"'`´“”„‚‘’«»‹›\-–—•*·]+/;
var APOSTROPHES = /[‘’ʼ`´]/g;
var SPACES = /\s+/g;
// Keep these two in step with FILLERS (built from _START) and WINDOW in server/hints.py.
var FILLERS = /^(?:(?:en|maar|of|dus|nou|oké|oke|ok|okay|and|but|or|so|well)(?:\s|,)+)*/i;
var WINDOW = 200;

var cache = Object.create(null);

export function normalise(text) {
  return String(text)
    .replace(LEADING_NOISE, "")
    .replace(APOSTROPHES, "'")
    .replace(SPACES, " ")
    .trim()
    .toLowerCase();
}

function compile(rule) {
  var key = rule.flags + "/" + rule.pattern;
  var rx = cache[key];
  if (rx === undefined) {
    try {
      // Only the "i" flag is part of the rule format; never "g" (stateful lastIndex).
      rx = new RegExp(rule.pattern, rule.flags === "i" ? "i" : "");
    } catch (e) {
      rx = null;
    }
    cache[key] = rx;
  }
  return rx;
}

export function check(text, rules) {
  if (typeof text !== "string" || !rules || typeof rules.length !== "number") {
    return null;
  }
  var norm = normalise(text);
  if (!norm) {
    return null;
  }
  var start = FILLERS.exec(norm)[0].length;
  var head = norm.slice(start, start + WINDOW);
  var tail = norm.slice(-WINDOW);
  for (var i = 0; i < rules.length; i++) {
    var rule = rules[i];
    var rx = rule && typeof rule.pattern === "string" ? compile(rule) : null;
    if (rx && rx.test(rule.pattern.charAt(0) === "^" ? head : tail)) {
      return rule.code === NO_HINT ? null : rule.code;
    }
  }
  return null;
}

/* Hints on other card kinds, where the method states them for a phase (its `hints`): the server's
 * kind rule table (server/kind_hints.py, client_rules()), searched anywhere in the normalised text.
 *
 *   checkKind(text, rules, codes) -> one of codes ("s_advice", "direct", "hearsay", "theory") | null
 */
export function checkKind(text, rules, codes) {
  if (typeof text !== "string" || !rules || !codes || !codes.length) return null;
  var norm = normalise(text);
  if (!norm) return null;
  for (var i = 0; i < rules.length; i++) {
    var rule = rules[i];
    if (!rule || codes.indexOf(rule.code) < 0 || typeof rule.pattern !== "string") continue;
    var rx = compile(rule);
    if (rx && rx.test(norm)) return rule.code;
  }
  return null;
}
