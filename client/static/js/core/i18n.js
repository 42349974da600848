/* Kring UI strings. The texts themselves live in the catalogs client/i18n/<lang>.json, one per
 * language and shared with the server (server/i18n.py). The page's own language comes as an ES
 * module, `import messages from "kring/catalog"`, which the page's import map points at
 * /i18n/<lang>.js?v=<stamp> (cached for a year, so a repeat load fetches nothing for it); the page
 * names its language and the catalogs' URLs in <script type="application/json" id="kring-i18n">.
 * Another language's catalog is fetched from /i18n/<lang>.json?v=<stamp> when it is needed (the
 * language switch, the method editor).
 *
 *   kringI18n.t(lang, key, vars)     one string with its {placeholders} filled in from vars; a plural
 *                                     entry ({one, other, ...}) is chosen by vars.n (Intl.PluralRules)
 *   kringI18n.has(lang, key)         whether the catalog has the key (for codes that come from data)
 *   kringI18n.dict(lang)             the catalog as an object for templates: L.key
 *   kringI18n.section(lang, name)    the keys "name.*" without their prefix (a board tool's L)
 *   kringI18n.load(lang)             a promise of that language's catalog (fetched once)
 *   kringI18n.locale(lang)           the locale for dates and numbers ("nl-NL", "en-GB")
 *   kringI18n.missing                every key that was asked for and not found
 *
 * A missing key never falls back to another language or to nothing: it shows as ⟦key⟧ and is
 * reported with console.error (once per key), so a browser test can tell.
 *
 * An ES module: `import { kringI18n } from "./core/i18n.js"` (also window.kringI18n, for tests and
 * the console).
 *
 * The language switch (component "langSwitch") stores the choice in localStorage and in the
 * kring_lang cookie, so server-rendered pages come back in the same language. */
import pageMessages from "kring/catalog";
import { dict } from "./maps.js";
import { component } from "./store.js";

var hasOwn = Object.prototype.hasOwnProperty;
var catalogs = dict(); // lang -> {key: string | {category: string}}
var loading = dict(); // lang -> promise
var views = dict(); // lang + prefix -> proxy
var plurals = dict(); // lang -> Intl.PluralRules
var reported = dict();
var missing = [];
var langs = ["nl", "en"];
var urls = dict(); // lang -> the catalog's stamped URL
var pageLang = "nl";

(function embedded() {
  var el = document.getElementById("kring-i18n");
  var data = null;
  try {
    data = el ? JSON.parse(el.textContent) : null;
  } catch (e) {
    data = null;
  }
  if (!data || !data.lang || !pageMessages) {
    console.error("kring i18n: the page has no catalog (#kring-i18n, kring/catalog)");
    return;
  }
  pageLang = data.lang;
  if (data.langs) langs = data.langs;
  if (data.urls) urls = data.urls;
  catalogs[data.lang] = pageMessages;
  loading[data.lang] = Promise.resolve(pageMessages);
})();

function norm(lang) {
  return langs.indexOf(lang) >= 0 ? lang : langs[0];
}

function report(lang, what) {
  var id = lang + ": " + what;
  if (!reported[id]) {
    reported[id] = true;
    missing.push(id);
    console.error("kring i18n: missing translation " + id);
  }
  return "⟦" + what + "⟧";
}

function pluralRules(lang) {
  if (!plurals[lang]) plurals[lang] = new Intl.PluralRules(t(lang, "locale"));
  return plurals[lang];
}

function t(lang, key, vars) {
  lang = norm(lang);
  var cat = catalogs[lang];
  if (!cat) return report(lang, key + " (catalog not loaded)");
  if (!hasOwn.call(cat, key)) return report(lang, key);
  var s = cat[key];
  if (typeof s !== "string") {
    if (!vars || typeof vars.n !== "number") return report(lang, key + " (a plural needs n)");
    var category = pluralRules(lang).select(vars.n);
    if (!hasOwn.call(s, category)) return report(lang, key + "." + category);
    s = s[category];
  }
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, function (m, name) {
    return hasOwn.call(vars, name) ? String(vars[name]) : report(lang, key + ": no value for " + m);
  });
}

function has(lang, key) {
  var cat = catalogs[norm(lang)];
  return !!cat && hasOwn.call(cat, key);
}

// Names that frameworks and the console probe on any object (Alpine's reactivity asks for
// __v_skip, __v_raw, ...; promises for then): never catalog keys, so never reported as missing.
var PROBES = /^(?:__|\$)|^(?:then|toJSON|constructor|valueOf|toString|toLocaleString|hasOwnProperty|isPrototypeOf|propertyIsEnumerable|nodeType)$/;

/* The catalog as an object whose properties are the strings: L.key is t(lang, key). A proxy, so
 * that a key missing from the catalog shows as ⟦key⟧ in a template instead of as nothing. */
function view(lang, prefix) {
  lang = norm(lang);
  var id = lang + " " + prefix;
  if (!views[id]) {
    views[id] = new Proxy(
      {},
      {
        get: function (o, key) {
          if (typeof key !== "string" || PROBES.test(key)) return key === "__v_skip" ? true : undefined;
          return t(lang, prefix + key);
        },
        has: function (o, key) {
          return typeof key === "string" && has(lang, prefix + key);
        },
      }
    );
  }
  return views[id];
}

function load(lang) {
  lang = norm(lang);
  if (!loading[lang]) {
    loading[lang] = fetch(urls[lang] || "/i18n/" + lang + ".json", { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(
        function (messages) {
          catalogs[lang] = messages;
          return messages;
        },
        function (e) {
          delete loading[lang];
          console.error("kring i18n: the " + lang + " catalog did not load: " + ((e && e.message) || e));
          throw e;
        }
      );
  }
  return loading[lang];
}

export var kringI18n = {
  t: t,
  has: has,
  dict: function (lang) {
    return view(lang, "");
  },
  section: function (lang, name) {
    return view(lang, name + ".");
  },
  load: load,
  locale: function (lang) {
    return t(lang, "locale");
  },
  norm: norm,
  langs: langs,
  pageLang: pageLang,
  missing: missing,
};

window.kringI18n = kringI18n;

// The NL/EN switch in the top bar of every page.
component("langSwitch", function () {
  return {
    get isNl() {
      return this.$store.kring.lang === "nl" ? "true" : "false";
    },
    get isEn() {
      return this.$store.kring.lang === "en" ? "true" : "false";
    },
    get label() {
      return t(this.$store.kring.lang, "langLabel");
    },
    setNl: function () {
      this.$store.kring.setLang("nl");
    },
    setEn: function () {
      this.$store.kring.setLang("en");
    },
  };
});
