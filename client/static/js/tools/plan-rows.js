/* The action plan for reading (the report, the projector): each field with its label, dates in
 * words. The fields and their order are the server's PLAN_FIELDS (enums().plan_fields).
 *
 *   display(field, value, lang)   a field's text: a review date in words, the rest as written
 *   rows(plan, lang, emptyText)   [{key, label, text, cls}], empty fields as emptyText
 */
import { kringI18n } from "../core/i18n.js";
import { enums } from "../core/page.js";

/* A field's text for reading (report, projector): dates in words, the rest as written. */
export function display(field, value, lang) {
  var m = field === "review_date" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
  if (!m) return value;
  var d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.toLocaleDateString(kringI18n.locale(lang), { weekday: "long", day: "numeric", month: "long", year: "numeric" });
}

/* The plan as rows for reading: [{key, label, text, cls}], empty fields as `emptyText`. */
export function rows(plan, lang, emptyText) {
  return enums().plan_fields.map(function (f) {
    var v = (plan && plan[f]) || "";
    return { key: f, label: kringI18n.t(lang, "plan.field." + f), text: v ? display(f, v, lang) : emptyText, cls: v ? "" : "is-empty" };
  });
}
