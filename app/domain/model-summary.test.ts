import { describe, expect, it } from "vitest";
import { modelAccuracySentence } from "./model-summary";

describe("modelAccuracySentence", () => {
  it("names the champion with its held-out AUC, the recency baseline and its calibration error", () => {
    const s = modelAccuracySentence({
      kind: "bgnbd",
      churn: {
        model: "bgnbd",
        windowDays: 90,
        backtest: [
          { model: "bgnbd", auc: 0.78149, ece: 0.0214 },
          { model: "supervised", auc: 0.77, ece: 0.03 },
          { model: "recency", auc: 0.7521, ece: null },
        ],
      },
      accuracy: null,
      accuracyReason: null,
    });
    expect(s).toBe(
      "Churn probabilities come from BG/NBD, the model that did best on this shop's own past: over the last 90 days, which it had not seen, " +
        "it told the customers who bought again from those who did not with an AUC of 0.781 (0.5 is guessing, 1 is perfect; days since the last order alone: 0.752), " +
        "and its probabilities were off by 2.1 percentage points on average.",
    );
  });

  it("a champion whose AUC could not be measured says so", () => {
    const s = modelAccuracySentence({
      kind: "heuristic",
      churn: { model: "heuristic", windowDays: 30, backtest: [{ model: "heuristic", auc: null, ece: null }] },
      accuracy: null,
      accuracyReason: null,
    });
    expect(s).toBe(
      "Churn probabilities come from a simple rule (days since the last order against the typical gap); its accuracy could not be measured on this shop's past (too few customers or outcomes to check).",
    );
  });

  it("without a champion, the recompute's own check; without either, why not", () => {
    expect(modelAccuracySentence({ kind: "bgnbd", churn: null, accuracy: { horizonDays: 90, churnAuc: 0.7, recencyAuc: null }, accuracyReason: null })).toBe(
      "Churn probabilities come from BG/NBD: fitted on the orders before the last 90 days and checked against them, it told the customers who bought again from those who did not with an AUC of 0.700 (0.5 is guessing, 1 is perfect).",
    );
    expect(modelAccuracySentence({ kind: "heuristic", churn: null, accuracy: null, accuracyReason: "history shorter than the horizon" })).toBe(
      "Churn probabilities come from a simple rule (days since the last order against the typical gap); its accuracy is not measured yet (history shorter than the horizon).",
    );
  });
});
