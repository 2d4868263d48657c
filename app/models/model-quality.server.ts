// What the model-quality page shows: the churn champion and its challengers' out-of-time
// figures next to the baselines, calibration by decile, the recompute's own check of the value
// model, and a stable sample of scored customers to compare with Shopify's RFM groups. Reads
// Shop.modelState as the recompute stored it; every query is scoped by the shop.
import { prisma } from "../db.server";
import { pool } from "../db-pool.server";
import type { ModelAccuracy } from "../domain/backtest";
import type { ChurnChampionState, ChurnMetrics } from "../domain/churn/champion";
import type { CalibrationDecile, ValueDecile } from "../domain/deciles";
import { constantBaseline, qualityVerdict } from "../domain/model-quality";
import type { ShopModelState } from "../domain/score-shop";

export const CHURN_MODEL_LABELS: Record<string, string> = {
  bgnbd: "BG/NBD",
  supervised: "Supervised (trained on this shop's history)",
  heuristic: "Simple rule (days since last order vs. typical gap)",
  recency: "Days since last order (baseline)",
  constant: "Same churn rate for everyone (baseline)",
};

/** The verdict's names (lower case, inside a sentence). */
const VERDICT_NAMES: Record<string, string> = {
  bgnbd: "BG/NBD",
  supervised: "the model trained on this shop's history",
  heuristic: "the simple rule",
};

export interface ChallengerRow {
  model: string;
  name: string;
  inUse: boolean;
  baseline: boolean;
  calibration: string | null;
  auc: number | null;
  logLoss: number | null;
  brier: number | null;
  ece: number | null;
}

export interface CalibrationView {
  /** Whose probabilities: the champion's on its out-of-time window, or (small shops) the rule's on the recompute's check. */
  source: "champion" | "backtest";
  model: string;
  name: string;
  windowDays: number;
  deciles: CalibrationDecile[];
}

export interface AccuracyView {
  cutoff: string;
  asOf: string;
  horizonDays: number;
  model: string;
  customers: number;
  churned: number;
  churnAuc: number | null;
  recencyAuc: number | null;
  expectedPurchasesMae: number;
  baselineMae: number;
  expectedPurchasesTotal: number;
  baselinePurchasesTotal: number;
  actualPurchasesTotal: number;
  /** Absent in a state stored before value deciles existed. */
  valueDeciles: ValueDecile[] | null;
  predictedValueTotalMinor: number | null;
  actualValueTotalMinor: number | null;
}

export interface ModelQualityView {
  currency: string;
  lastScoredAt: string | null;
  /** False until the first recompute stored a model. */
  scored: boolean;
  valueModel: "bgnbd" | "heuristic" | null;
  champion: {
    model: string;
    name: string;
    reason: string;
    note: string | null;
    windowDays: number;
    /** The out-of-time window [windowFrom, asOf): models were trained on orders before windowFrom (null when nothing was checked). */
    windowFrom: string | null;
    asOf: string;
    customers: number;
    churned: number;
  } | null;
  /** The small-shop fallback's reason (the champion's reason after "heuristic: "), null otherwise. */
  smallShop: string | null;
  rows: ChallengerRow[];
  calibration: CalibrationView | null;
  /** Why there is no calibration chart, when there is none. */
  calibrationMissing: string | null;
  accuracy: AccuracyView | null;
  accuracyReason: string | null;
  verdict: string[];
}

type StoredAccuracy = Omit<ModelAccuracy, "churnDeciles" | "valueDeciles" | "predictedValueTotalMinor" | "actualValueTotalMinor"> &
  Partial<Pick<ModelAccuracy, "churnDeciles" | "valueDeciles" | "predictedValueTotalMinor" | "actualValueTotalMinor">>;
type StoredState = ShopModelState & { churn?: ChurnChampionState; accuracy?: StoredAccuracy | null; accuracyReason?: string | null };

const SMALL_SHOP_PREFIX = "heuristic: ";

function challengerRows(churn: ChurnChampionState, inUse: string): ChallengerRow[] {
  const rows: ChallengerRow[] = churn.backtest.map((m: ChurnMetrics) => ({
    model: m.model,
    name: CHURN_MODEL_LABELS[m.model] ?? m.model,
    inUse: m.model === inUse,
    baseline: m.model === "recency",
    calibration: m.calibration ?? null,
    auc: m.auc,
    logLoss: m.logLoss,
    brier: m.brier,
    ece: m.ece,
  }));
  const first = churn.backtest[0];
  const constant = first ? constantBaseline(first.customers, first.churned) : null;
  if (constant) rows.push({ model: "constant", name: CHURN_MODEL_LABELS.constant, inUse: false, baseline: true, calibration: null, ...constant });
  return rows;
}

function accuracyView(a: StoredAccuracy): AccuracyView {
  return {
    cutoff: a.cutoff,
    asOf: a.asOf,
    horizonDays: a.horizonDays,
    model: a.model,
    customers: a.customers,
    churned: a.churned,
    churnAuc: a.churnAuc,
    recencyAuc: a.recencyAuc,
    expectedPurchasesMae: a.expectedPurchasesMae,
    baselineMae: a.baselineMae,
    expectedPurchasesTotal: a.expectedPurchasesTotal,
    baselinePurchasesTotal: a.baselinePurchasesTotal,
    actualPurchasesTotal: a.actualPurchasesTotal,
    valueDeciles: a.valueDeciles ?? null,
    predictedValueTotalMinor: a.predictedValueTotalMinor ?? null,
    actualValueTotalMinor: a.actualValueTotalMinor ?? null,
  };
}

/** The page's figures for one shop, or null when the shop is not installed. */
export async function loadModelQuality(shopDomain: string): Promise<ModelQualityView | null> {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { currency: true, modelState: true, lastScoredAt: true } });
  if (!shop) return null;
  const state = shop.modelState as unknown as StoredState | null;
  const base = { currency: shop.currency, lastScoredAt: shop.lastScoredAt?.toISOString() ?? null };
  if (!state?.model) {
    return { ...base, scored: false, valueModel: null, champion: null, smallShop: null, rows: [], calibration: null, calibrationMissing: null, accuracy: null, accuracyReason: null, verdict: [] };
  }
  const churn = state.churn ?? null;
  const inUse = state.churnModel ?? churn?.champion ?? state.model;
  const smallShop = churn && churn.backtest.length === 0 && churn.reason.startsWith(SMALL_SHOP_PREFIX) ? churn.reason.slice(SMALL_SHOP_PREFIX.length) : null;
  const own = churn?.backtest.find((m) => m.model === inUse) ?? null;
  const recency = churn?.backtest.find((m) => m.model === "recency") ?? null;
  const accuracy = state.accuracy ? accuracyView(state.accuracy) : null;

  let calibration: CalibrationView | null = null;
  let calibrationMissing: string | null = null;
  if (own?.deciles?.length) {
    calibration = { source: "champion", model: inUse, name: CHURN_MODEL_LABELS[inUse] ?? inUse, windowDays: churn!.windowDays, deciles: own.deciles };
  } else if (inUse === "heuristic" && !churn?.calibration && state.accuracy?.model === "heuristic" && state.accuracy.churnDeciles?.length) {
    // The uncalibrated rule is in use and the recompute's check measured exactly that rule.
    calibration = { source: "backtest", model: "heuristic", name: CHURN_MODEL_LABELS.heuristic, windowDays: state.accuracy.horizonDays, deciles: state.accuracy.churnDeciles };
  } else if (own && own.logLoss !== null) {
    calibrationMissing = "measured at the next recompute (this shop's scores were stored before the page existed)";
  } else {
    calibrationMissing = smallShop ?? state.accuracyReason ?? "not measured: too few customers or outcomes to check";
  }

  const value =
    accuracy?.valueDeciles && accuracy.predictedValueTotalMinor !== null && accuracy.actualValueTotalMinor !== null
      ? { deciles: accuracy.valueDeciles, predictedTotalMinor: accuracy.predictedValueTotalMinor, actualTotalMinor: accuracy.actualValueTotalMinor, horizonDays: accuracy.horizonDays }
      : null;
  const verdict = qualityVerdict({
    champion: calibration
      ? {
          name: VERDICT_NAMES[calibration.model] ?? calibration.model,
          auc: calibration.source === "champion" ? (own?.auc ?? null) : (accuracy?.churnAuc ?? null),
          deciles: calibration.deciles,
          windowDays: calibration.windowDays,
        }
      : own && own.auc !== null
        ? { name: VERDICT_NAMES[inUse] ?? inUse, auc: own.auc, deciles: null, windowDays: churn!.windowDays }
        : null,
    recencyAuc: calibration?.source === "backtest" ? (accuracy?.recencyAuc ?? null) : (recency?.auc ?? null),
    value,
  });
  return {
    ...base,
    scored: true,
    valueModel: state.model,
    champion: churn
      ? {
          model: inUse,
          name: CHURN_MODEL_LABELS[inUse] ?? inUse,
          reason: churn.reason,
          note: churn.note,
          windowDays: churn.windowDays,
          windowFrom: churn.cuts.length ? churn.cuts[churn.cuts.length - 1] : null,
          asOf: churn.asOf,
          customers: churn.backtest[0]?.customers ?? 0,
          churned: churn.backtest[0]?.churned ?? 0,
        }
      : null,
    smallShop,
    rows: churn ? challengerRows(churn, inUse) : [],
    calibration,
    calibrationMissing,
    accuracy,
    accuracyReason: state.accuracyReason ?? null,
    verdict,
  };
}

/** Customer ids and segments of a stable pseudo-random sample of the shop's scored customers (ordered by a hash of the id). */
export async function sampleScoredCustomers(shopDomain: string, limit: number): Promise<{ customerId: bigint; segment: string }[]> {
  const { rows } = await pool.query<{ id: string; segment: string }>(
    `SELECT s."customerId"::text AS id, s.segment
       FROM "CustomerScore" s JOIN "Shop" sh ON sh.id = s."shopId"
      WHERE sh.domain = $1
      ORDER BY hashtext(s."customerId"::text), s."customerId"
      LIMIT $2`,
    [shopDomain, limit],
  );
  return rows.map((r) => ({ customerId: BigInt(r.id), segment: r.segment }));
}
