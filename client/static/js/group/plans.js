/* The group's open action plans and their follow-up. Alpine.data('groupPlans'). */
import { component } from "../core/store.js";
import { base } from "./base.js";

function groupPlans() {
  return base({
    get plans() {
      var self = this;
      var L = this.L;
      return ((this.v && this.v.open_plans) || []).map(function (p) {
        return {
          key: p.meeting,
          owner: p.owner_name || self.memberName(p.owner),
          from: self.f("grpPlanFrom", { title: p.title, date: p.date ? self.date(p.date) : "" }),
          action: p.plan.action || "",
          hasAction: !!p.plan.action,
          firstStep: p.plan.first_step || "",
          hasFirstStep: !!p.plan.first_step,
          review: p.review_date ? self.date(p.review_date) : L.grpNoReview,
          due: !!p.due,
          cls: "plan-card" + (p.due ? " is-due" : ""),
          reports: (p.reports || []).map(function (r, i) {
            return {
              i: i,
              status: L["fuStatus_" + r.status] || r.status,
              statusCls: "badge badge-fu is-" + r.status,
              text: r.text,
              hasText: !!r.text,
            };
          }),
          noReports: !(p.reports || []).length,
        };
      });
    },
    get hasPlans() {
      return this.plans.length > 0;
    },
    get noPlans() {
      return this.plans.length === 0;
    },
  });
}

component("groupPlans", groupPlans);
