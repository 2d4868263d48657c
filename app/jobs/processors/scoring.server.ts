// Scoring jobs. A full recompute fits the shop's models and scores everyone;
// a live rescore scores one customer against the stored model state (cut
// points and parameters), so a new order moves a customer within seconds.
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import { factsFromGroupedOrders } from "../../domain/population-facts";
import { customerScoreAt, rescoreOne, scoreFacts, type CustomerScore, type ShopModelState } from "../../domain/score-shop";
import { computeCustomerFacts } from "../../domain/customer-facts";
import { DEFAULT_SEGMENT_MAP, parseSegmentMap } from "../../domain/segment-map";
import { isHoldout } from "../../domain/holdout";
import { backtest } from "../../domain/backtest";
import { findShopOrThrow, installedShopDomains } from "../../models/shops.server";
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
import { enqueue, type JobPayloads } from "../queue.server";

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
    explanation: score.reasons,
    holdout: isHoldout(shop.domain, customerId, shop.settings?.holdoutPercent ?? 10),
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
    await enqueue("flow-trigger", { shop: shop.domain, transitionId }, { jobId: `flow-${transitionId}` });
  }
  if (shop.settings?.writeBackEnabled ?? true) {
    await enqueue(
      "write-back",
      { shop: shop.domain, customerIds },
      customerIds ? {} : { jobId: `write-back-${shop.domain}-${asOf.getTime()}` },
    );
  }
}

export async function recomputeShop(data: JobPayloads["recompute-shop"]): Promise<unknown> {
  const shop = await findShopOrThrow(data.shop);
  const asOf = new Date();
  const histories = await loadOrderHistories(shop.id);
  const { facts, customerIndex } = factsFromGroupedOrders(histories, asOf);
  if (facts.n === 0) return { customers: 0 };

  const segmentMap = shop.settings?.segmentMap ? parseSegmentMap(shop.settings.segmentMap) : DEFAULT_SEGMENT_MAP;
  const horizonDays = shop.settings?.churnHorizonDays ?? 90;
  const result = scoreFacts(facts, { asOf, horizonDays, segmentMap });
  // Measured accuracy (fit H days ago, checked on what happened since), shown on the dashboard.
  const check = backtest(histories, { asOf, horizonDays, segmentMap });
  const rows: ScoreRow[] = new Array(facts.n);
  for (let i = 0; i < facts.n; i++) {
    const customerId = histories.customerIds[customerIndex[i]];
    rows[i] = scoreRow(shop, customerId, customerScoreAt(facts, result, i));
  }
  const previous = await currentSegments(shop.id);
  const transitions = transitionsFor(rows, previous, shop.settings?.flowTriggerEnabled ?? false, data.reason);
  await upsertScores(shop.id, asOf, rows);
  const dropped = await deleteScoresExcept(shop.id, rows.map((r) => r.customerId));
  await prisma.shop.update({
    where: { id: shop.id },
    data: {
      modelState: { ...result.state, accuracy: check.accuracy, accuracyReason: check.reason } as unknown as Prisma.InputJsonValue,
      modelKind: result.state.model,
      lastScoredAt: asOf,
    },
  });
  await writeDailySnapshot(shop.id, asOf);
  await afterScoring(shop, transitions, asOf);
  return {
    customers: facts.n,
    model: result.state.model,
    fallbackReason: result.state.fallbackReason,
    transitions: transitions.length,
    scoresDropped: dropped,
  };
}

export async function rescoreCustomer(data: JobPayloads["rescore-customer"]): Promise<unknown> {
  const shop = await findShopOrThrow(data.shop);
  const state = shop.modelState as unknown as ShopModelState | null;
  if (!state) {
    // No model yet (initial sync still running): the recompute will score this customer.
    return { skipped: "no model state yet" };
  }
  const asOf = new Date();
  const histories = await loadOrderHistories(shop.id, BigInt(data.customerId));
  const orders = Array.from(histories.timesMs, (t, i) => ({ processedAt: new Date(t), amountMinor: histories.amountsMinor[i] }));
  const facts = computeCustomerFacts(orders, asOf);
  const previous = await currentSegments(shop.id, [data.customerId]);
  if (!facts) {
    await deleteScore(shop.id, data.customerId);
    await afterScoring(shop, [], asOf, [data.customerId]);
    return { customerId: data.customerId, scored: false };
  }
  const row = scoreRow(shop, data.customerId, rescoreOne(facts, state, asOf));
  const transitions = transitionsFor([row], previous, shop.settings?.flowTriggerEnabled ?? false, "new order activity");
  await upsertScores(shop.id, asOf, [row]);
  await afterScoring(shop, transitions, asOf, [data.customerId]);
  return { customerId: data.customerId, segment: row.segment, changed: transitions.length > 0 };
}

export async function recomputeAllShops(): Promise<unknown> {
  const day = new Date().toISOString().slice(0, 10);
  const domains = await installedShopDomains();
  for (const shop of domains) {
    await enqueue("recompute-shop", { shop, reason: "nightly" }, { jobId: `recompute-${shop}-nightly-${day}` });
  }
  return { shops: domains.length };
}
