// The overview's one sentence on the model in use and how well it measured up
// on the shop's own past (the champion's out-of-time backtest, or the
// recompute's accuracy check when no champion was selected). Pure: plain data
// in, a sentence out.

/** Merchant-facing names of the churn models. */
export const CHURN_MODEL_NAMES: Record<string, string> = {
  bgnbd: "BG/NBD",
  supervised: "a model trained on this shop's history",
  heuristic: "a simple rule (days since the last order against the typical gap)",
  recency: "days since the last order",
};

export interface ModelSummaryInput {
  /** The value model of the fit: BG/NBD + Gamma-Gamma, or the labelled heuristic. */
  kind: "bgnbd" | "heuristic";
  /** The churn champion and its challengers' figures on the held-out window. */
  churn: {
    model: string;
    windowDays: number;
    backtest: { model: string; auc: number | null; ece: number | null }[];
  } | null;
  /** The recompute's own check (fit before a cutoff, compare with what happened since). */
  accuracy: { horizonDays: number; churnAuc: number | null; recencyAuc: number | null } | null;
  accuracyReason: string | null;
}

const auc = (v: number) => v.toFixed(3);
/** A calibration error (0..1) in percentage points, one decimal. */
const points = (v: number) => `${(v * 100).toFixed(1)} percentage points`;

/** One sentence: which model gives the churn probabilities and its measured accuracy. */
export function modelAccuracySentence(m: ModelSummaryInput): string {
  const champion = m.churn;
  if (champion) {
    const name = CHURN_MODEL_NAMES[champion.model] ?? champion.model;
    const own = champion.backtest.find((b) => b.model === champion.model);
    const recency = champion.backtest.find((b) => b.model === "recency");
    if (own && own.auc !== null) {
      const baseline = recency && recency.auc !== null ? `; days since the last order alone: ${auc(recency.auc)}` : "";
      const calibration = own.ece !== null ? `, and its probabilities were off by ${points(own.ece)} on average` : "";
      return (
        `Churn probabilities come from ${name}, the model that did best on this shop's own past: ` +
        `over the last ${champion.windowDays} days, which it had not seen, it told the customers who bought again from those who did not ` +
        `with an AUC of ${auc(own.auc)} (0.5 is guessing, 1 is perfect${baseline})${calibration}.`
      );
    }
    return `Churn probabilities come from ${name}; its accuracy could not be measured on this shop's past (too few customers or outcomes to check).`;
  }
  const name = m.kind === "bgnbd" ? "BG/NBD" : CHURN_MODEL_NAMES.heuristic;
  const a = m.accuracy;
  if (a && a.churnAuc !== null) {
    const baseline = a.recencyAuc !== null ? `; days since the last order alone: ${auc(a.recencyAuc)}` : "";
    return (
      `Churn probabilities come from ${name}: fitted on the orders before the last ${a.horizonDays} days and checked against them, ` +
      `it told the customers who bought again from those who did not with an AUC of ${auc(a.churnAuc)} (0.5 is guessing, 1 is perfect${baseline}).`
    );
  }
  return `Churn probabilities come from ${name}; its accuracy is not measured yet (${m.accuracyReason ?? "next recompute"}).`;
}
