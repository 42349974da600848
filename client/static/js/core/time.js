/* Times and dates as people read them.
 *
 *   clock(ms)             "4:05", "1:02:03"; overtime (negative) as "+0:12"
 *   hhmm(ms)              "09:30", local time
 *   isoToday()            "2025-03-14", local date
 *   isoDay(ms)            "2025-03-14", the local date of a moment
 *   longDate(iso, lang)   "14 maart 2025" / "14 March 2025" from "2025-03-14" (anything else as it is)
 */
import { kringI18n } from "./i18n.js";

var HOUR_S = 60 * 60;

export function clock(ms) {
  var neg = ms < 0;
  var total = neg ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000);
  var h = Math.floor(total / HOUR_S);
  var m = Math.floor((total % HOUR_S) / 60);
  var s = total % 60;
  var body = (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s;
  return (neg ? "+" : "") + body;
}

export function hhmm(ms) {
  var d = new Date(ms);
  return (d.getHours() < 10 ? "0" : "") + d.getHours() + ":" + (d.getMinutes() < 10 ? "0" : "") + d.getMinutes();
}

export function isoToday() {
  return isoDay(Date.now());
}

export function isoDay(ms) {
  var d = new Date(ms);
  var p = function (n) {
    return (n < 10 ? "0" : "") + n;
  };
  return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate());
}

export function longDate(iso, lang) {
  var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  if (!m) return iso || "";
  var d = new Date(+m[1], +m[2] - 1, +m[3]);
  try {
    return d.toLocaleDateString(kringI18n.locale(lang), { day: "numeric", month: "long", year: "numeric" });
  } catch (e) {
    return iso;
  }
}
