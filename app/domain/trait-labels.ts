// Merchant-facing names and one-line definitions of the traits (docs/scoring.md, "Traits").
// Imports nothing, so the settings form (client bundle) can use it.
import type { WritableTrait } from "./settings";

export const TRAIT_LABELS: Record<WritableTrait, { name: string; definition: string }> = {
  discount_seeker: { name: "Discount seeker", definition: "At least 2 orders, and at least 60 % of them carried a discount." },
  category_specialist: { name: "Category specialist", definition: "At least 2 orders, and one product type holds at least 80 % of the item spend." },
  high_potential_first_timer: {
    name: "High-potential first-timer",
    definition:
      "One order, in the last 60 days, worth at least the shop's 80th percentile of first orders, or of a product type whose buyers order again at least 1.5 × as often as the shop's (over 30+ customers).",
  },
  one_and_done: { name: "One and done", definition: "One order, longer ago than 90 % of repeat buyers took to order a second time." },
  due_to_reorder: { name: "Due to reorder", definition: "At least 3 orders, and the last one between 0.8 and 1.5 × the customer's typical gap ago." },
  vip_at_risk: { name: "VIP at risk", definition: "Total spend in the shop's top 10 %, and a churn probability of at least 50 %." },
  recovered: { name: "Recovered", definition: "Was About to Sleep, At Risk, Can't Lose Them or Hibernating, then ordered again; holds 30 days after that order." },
};
