// Scoring jobs. A full recompute fits the shop's models and scores everyone;
// a live rescore scores one customer against the stored model state (cut
// points and parameters), so a new order moves a customer within seconds.
import { factsFromGroupedOrders } from "../../domain/population-facts";
import { customerScoreAt, type CustomerScore, type ShopModelState } from "../../domain/score-shop";
import { rescoreWithChampion, scoreWithChampion } from "../../domain/score-with-champion";
import type { ChurnChampionState } from "../../domain/churn/champion";
import { resolveSettings } from "../../domain/shop-settings";
import { isHoldout } from "../../domain/holdout";
import { backtest } from "../../domain/backtest";
import { findShopOrThrow, installedShopDomains, saveModelState } from "../../models/shops.server";
import {
  currentSegments,
  deleteScore,
  deleteScoresExcept,
  insertTransitions,
  loadOrderHistories,
  upsertScores,
  writeDailySnapshot,
  type NewTransition,
  type ScoreRow,
} from "../../models/scores.server";
import { enqueue, type JobPayloads } from "../../queue.server";

type Shop = Awaited<ReturnType<typeof findShopOrThrow>>;

function scoreRow(shop: Shop, customerId: string, score: CustomerScore): ScoreRow {
  return {
    customerId,
    frequency: score.frequency,
    recencyDays: score.recencyDays,
    monetaryMinor: score.monetaryMinor,
    r: score.r,
    f: score.f,
    m: score.m,
    segment: score.segment,
    x: score.x,
    tx: Math.round(score.tx),
    T: Math.round(score.T),
    pAlive: score.pAlive,
    churnProbability: score.churnProbability,
    expectedPurchases90d: score.expectedPurchases90d,
    predictedClv12m: Math.round(score.predictedClv12mMinor) / 100,
    model: score.model,
    churnModel: score.churnModel,
    explanation: score.reasons,
    holdout: isHoldout(shop.domain, customerId, resolveSettings(shop.settings).holdoutPercent),
  };
}

/** Transitions for customers whose segment changed; a first score is recorded but fires no Flow. */
function transitionsFor(rows: ScoreRow[], previous: Map<string, string>, flowEnabled: boolean, why: string): NewTransition[] {
  const out: NewTransition[] = [];
  for (const row of rows) {
    const before = previous.get(row.customerId) ?? null;
    if (before === row.segment) continue;
    out.push({
      customerId: row.customerId,
      fromSegment: before,
      toSegment: row.segment,
      reason: { why, r: row.r, f: row.f, m: row.m, recencyDays: row.recencyDays, frequency: row.frequency },
      flowStatus: before !== null && flowEnabled ? "pending" : "none",
    });
  }
  return out;
}

async function afterScoring(shop: Shop, transitions: NewTransition[], asOf: Date, customerIds?: string[]): Promise<void> {
  const pendingFlow = await insertTransitions(shop.id, asOf, transitions);
  for (const transitionId of pendingFlow) {
    await enqueue("flow-trigger", { shop: shop.domain, transitionId });
  }
  if (resolveSettings(shop.settings).writeBackEnabled) {
    await enqueue("write-back", { shop: shop.domain, customerIds });
  }
}

export async function recomputeShop(data: JobPayloads["recompute-shop"]): Promise<unknown> {
  const shop = await findShopOrThrow(data.shop);
  const asOf = new Date();
  const histories = await loadOrderHistories(shop.id);
  const { facts, customerIndex } = factsFromGroupedOrders(histories, asOf);
  if (facts.n === 0) return { customers: 0 };

  const { segmentMap, churnHorizonDays: horizonDays, flowTriggerEnabled } = resolveSettings(shop.settings);
  // Churn from the shop's champion (BG/NBD, a supervised model or the heuristic), chosen by its own backtest.
  const { result, churn } = scoreWithChampion(facts, histories, { asOf, horizonDays, segmentMap });
  // Measured accuracy (fit H days ago, checked on what happened since), shown on the dashboard.
  const check = backtest(histories, { asOf, horizonDays, segmentMap });
  const rows: ScoreRow[] = new Array(facts.n);
  for (let i = 0; i < facts.n; i++) {
    const customerId = histories.customerIds[customerIndex[i]];
    rows[i] = scoreRow(shop, customerId, customerScoreAt(facts, result, i));
  }
  const previous = await currentSegments(shop.id);
  const transitions = transitionsFor(rows, previous, flowTriggerEnabled, data.reason);
  await upsertScores(shop.id, asOf, rows);
  const dropped = await deleteScoresExcept(shop.id, rows.map((r) => r.customerId));
  await saveModelState(shop.id, {
    modelState: { ...result.state, churn, accuracy: check.accuracy, accuracyReason: check.reason },
    modelKind: result.state.model,
    scoredAt: asOf,
  });
  await writeDailySnapshot(shop.id, asOf);
  await afterScoring(shop, transitions, asOf);
  return {
    customers: facts.n,
    model: result.state.model,
    churnModel: result.state.churnModel,
    churnWindowDays: churn.windowDays,
    fallbackReason: result.state.fallbackReason,
    transitions: transitions.length,
    scoresDropped: dropped,
  };
}

export async function rescoreCustomer(data: JobPayloads["rescore-customer"]): Promise<unknown> {
  const shop = await findShopOrThrow(data.shop);
  const state = shop.modelState as unknown as (ShopModelState & { churn?: ChurnChampionState }) | null;
  if (!state) {
    // No model yet (initial sync still running): the recompute will score this customer.
    return { skipped: "no model state yet" };
  }
  const asOf = new Date();
  const histories = await loadOrderHistories(shop.id, BigInt(data.customerId));
  const orders = Array.from(histories.timesMs, (t, i) => ({ processedAt: new Date(t), amountMinor: histories.amountsMinor[i] }));
  const score = rescoreWithChampion(orders, state, state.churn ?? null, asOf);
  const previous = await currentSegments(shop.id, [data.customerId]);
  if (!score) {
    await deleteScore(shop.id, data.customerId);
    await afterScoring(shop, [], asOf, [data.customerId]);
    return { customerId: data.customerId, scored: false };
  }
  const row = scoreRow(shop, data.customerId, score);
  const transitions = transitionsFor([row], previous, resolveSettings(shop.settings).flowTriggerEnabled, "new order activity");
  await upsertScores(shop.id, asOf, [row]);
  await afterScoring(shop, transitions, asOf, [data.customerId]);
  return { customerId: data.customerId, segment: row.segment, changed: transitions.length > 0 };
}

export async function recomputeAllShops(): Promise<unknown> {
  const domains = await installedShopDomains();
  for (const shop of domains) {
    await enqueue("recompute-shop", { shop, reason: "nightly" });
  }
  return { shops: domains.length };
}
