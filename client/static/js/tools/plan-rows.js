/* The action plan for reading (the report, the projector): each field with its label, dates in
 * words. The fields and their order are the server's PLAN_FIELDS (enums().plan_fields).
 *
 *   display(field, value, lang)   a field's text: a review date in words, the rest as written
 *   rows(plan, lang, emptyText, form)   [{key, label, text, cls}], empty fields as emptyText
 */
import { kringI18n } from "../core/i18n.js";
import { enums } from "../core/page.js";
import { longDate } from "../core/time.js";

/* A field's text for reading (report, projector): dates in words (the one format per language
 * of core/time.js, as the Markdown report writes them), the rest as written. */
export function display(field, value, lang) {
  return /date$/.test(field) ? longDate(value, lang) : value;
}

/* The plan as rows for reading: [{key, label, text, cls}], empty fields as `emptyText`; `form`
 * "evaluation" gives the evaluation plan's fields (criteria, check moments), else the SMART ones. */
export function rows(plan, lang, emptyText, form) {
  return (form === "evaluation" ? enums().eval_plan_fields : enums().plan_fields).map(function (f) {
    var v = (plan && plan[f]) || "";
    return { key: f, label: kringI18n.t(lang, "plan.field." + f), text: v ? display(f, v, lang) : emptyText, cls: v ? "" : "is-empty" };
  });
}
