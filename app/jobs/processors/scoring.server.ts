// Scoring jobs. A full recompute fits the shop's models and scores everyone;
// a live rescore scores one customer against the stored model state (cut
// points, parameters, trait thresholds), so a new order moves a customer, and
// changes its traits, within seconds.
import { factsFromGroupedOrders } from "../../domain/population-facts";
import { customerScoreAt, type CustomerScore, type ShopModelState } from "../../domain/score-shop";
import { rescoreWithChampion, scoreWithChampion } from "../../domain/score-with-champion";
import type { ChurnChampionState } from "../../domain/churn/champion";
import { resolveSettings } from "../../domain/shop-settings";
import { isHoldout } from "../../domain/holdout";
import { backtest } from "../../domain/backtest";
import { NO_SHOP_THRESHOLDS, computeTraits, storedThresholds, type StoredTraitThresholds } from "../../domain/traits";
import { customerTraitFields } from "../../domain/customer-traits";
import { discoverClusters, type ClusterDescription, type ClusterState } from "../../domain/clusters";
import type { PreviousScore } from "../../domain/recovered";
import { findShopOrThrow, installedShopDomains, saveModelState } from "../../models/shops.server";
import {
  deleteScore,
  loadBehaviourOrders,
  previousScores,
  replaceShopScores,
  saveScoresWithChanges,
  writeDailySnapshot,
  type NewTransition,
  type ScoreRow,
} from "../../models/scores.server";
import type { NewTraitEvent } from "../../models/trait-events.server";
import { enqueue, type JobPayloads } from "../../queue.server";

type Shop = Awaited<ReturnType<typeof findShopOrThrow>>;

/** What a recompute stores beside the fitted models for the live path and the dashboard. */
interface StoredClusters {
  state: ClusterState | null;
  k: number | null;
  silhouette: number | null;
  reason: string | null;
  clusters: ClusterDescription[];
}
type StoredModelState = ShopModelState & { churn?: ChurnChampionState; traits?: StoredTraitThresholds; clusters?: StoredClusters };

function scoreRow(shop: Shop, customerId: string, score: CustomerScore): Omit<ScoreRow, "traits" | "specialistType" | "expectedNextOrderAt" | "recoveredAt" | "clusterId" | "traitReasons"> {
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
function transitionsFor(rows: ScoreRow[], previous: Map<string, PreviousScore>, flowEnabled: boolean, why: string): NewTransition[] {
  const out: NewTransition[] = [];
  for (const row of rows) {
    const before = previous.get(row.customerId)?.segment ?? null;
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

/** After the scores and their changes are stored (saveScoresWithChanges): Flow for the pending rows, then the write-back. */
async function afterScoring(shop: Shop, saved: { transitionIds: string[]; traitEventIds: string[] }, customerIds?: string[]): Promise<void> {
  for (const transitionId of saved.transitionIds) {
    await enqueue("flow-trigger", { shop: shop.domain, transitionId });
  }
  for (const traitEventId of saved.traitEventIds) {
    await enqueue("flow-trait", { shop: shop.domain, traitEventId });
  }
  if (resolveSettings(shop.settings).writeBackEnabled) {
    await enqueue("write-back", { shop: shop.domain, customerIds });
  }
}

/** Customers scored, and their rows streamed to the database, per step of a full recompute. */
const SCORE_CHUNK = 10_000;

const eventStatus = (flowEnabled: boolean): NewTraitEvent["flowStatus"] => (flowEnabled ? "pending" : "none");

export async function recomputeShop(data: JobPayloads["recompute-shop"]): Promise<unknown> {
  const shop = await findShopOrThrow(data.shop);
  const asOf = new Date();
  const orders = await loadBehaviourOrders(shop.id);
  const { facts, customerIndex } = factsFromGroupedOrders(orders, asOf);
  if (facts.n === 0) return { customers: 0 };

  const { segmentMap, churnHorizonDays: horizonDays, flowTriggerEnabled } = resolveSettings(shop.settings);
  // Churn from the shop's champion (BG/NBD, a supervised model or the heuristic), chosen by its own backtest.
  const { result, churn } = scoreWithChampion(facts, orders, { asOf, horizonDays, segmentMap });
  // Measured accuracy (fit H days ago, checked on what happened since), shown on the dashboard.
  const check = backtest(orders, { asOf, horizonDays, segmentMap });
  // Traits read the champion's churn (vip_at_risk), indexed by customer.
  const churnOfCustomer = new Float64Array(orders.offsets.length - 1);
  for (let i = 0; i < facts.n; i++) churnOfCustomer[customerIndex[i]] = result.columns.churnProbability[i];
  const traits = computeTraits(orders, { asOf, churnProbability: churnOfCustomer });
  const stored = shop.modelState as unknown as StoredModelState | null;
  const clustered = discoverClusters(orders, asOf, { previous: stored?.clusters?.state ?? null });

  // Scores are built and streamed to the database a chunk at a time (a million rows
  // with their explanations would not fit in the worker's memory).
  const saved = await replaceShopScores(shop.id, asOf, { why: data.reason, flowEnabled: flowTriggerEnabled }, async (writer) => {
    for (let start = 0; start < facts.n; start += SCORE_CHUNK) {
      const end = Math.min(facts.n, start + SCORE_CHUNK);
      const previous = await writer.previousBetween(orders.customerIds[customerIndex[start]], orders.customerIds[customerIndex[end - 1]]);
      const rows: ScoreRow[] = new Array(end - start);
      const traitEvents: NewTraitEvent[] = [];
      for (let i = start; i < end; i++) {
        const c = customerIndex[i];
        const customerId = orders.customerIds[c];
        const { gained, ...fields } = customerTraitFields(traits, c, orders.timesMs[orders.offsets[c + 1] - 1], previous.get(customerId) ?? null, asOf, shop.currency);
        rows[i - start] = { ...scoreRow(shop, customerId, customerScoreAt(facts, result, i)), ...fields, clusterId: clustered.ok ? clustered.clusterOf[c] : null };
        for (const trait of gained) traitEvents.push({ customerId, trait, flowStatus: eventStatus(flowTriggerEnabled) });
      }
      await writer.write(rows, traitEvents);
    }
  });
  const clusters: StoredClusters = clustered.ok
    ? { state: clustered.state, k: clustered.k, silhouette: clustered.silhouette, reason: null, clusters: clustered.clusters }
    : { state: null, k: null, silhouette: null, reason: clustered.reason, clusters: [] };
  await saveModelState(shop.id, {
    modelState: { ...result.state, churn, accuracy: check.accuracy, accuracyReason: check.reason, traits: storedThresholds(traits), clusters },
    modelKind: result.state.model,
    scoredAt: asOf,
  });
  await writeDailySnapshot(shop.id, asOf);
  await afterScoring(shop, saved);
  return {
    customers: facts.n,
    model: result.state.model,
    churnModel: result.state.churnModel,
    churnWindowDays: churn.windowDays,
    fallbackReason: result.state.fallbackReason,
    transitions: saved.transitions,
    traitEvents: saved.traitEventIds.length,
    clusters: clusters.k,
    scoresDropped: saved.dropped,
  };
}

export async function rescoreCustomer(data: JobPayloads["rescore-customer"]): Promise<unknown> {
  const shop = await findShopOrThrow(data.shop);
  const state = shop.modelState as unknown as StoredModelState | null;
  if (!state) {
    // No model yet (initial sync still running): the recompute will score this customer.
    return { skipped: "no model state yet" };
  }
  const asOf = new Date();
  const orders = await loadBehaviourOrders(shop.id, BigInt(data.customerId));
  const inputs = Array.from(orders.timesMs, (t, i) => ({ processedAt: new Date(t), amountMinor: orders.amountsMinor[i] }));
  const score = rescoreWithChampion(inputs, state, state.churn ?? null, asOf);
  const previous = await previousScores(shop.id, [data.customerId]);
  if (!score) {
    await deleteScore(shop.id, data.customerId);
    await afterScoring(shop, { transitionIds: [], traitEventIds: [] }, [data.customerId]);
    return { customerId: data.customerId, scored: false };
  }
  const before = previous.get(data.customerId) ?? null;
  // Against the shop's thresholds of its last recompute (none stored yet: only the customer's own-order traits).
  const traits = computeTraits(orders, { asOf, churnProbability: [score.churnProbability], thresholds: state.traits ?? NO_SHOP_THRESHOLDS });
  const { gained, ...fields } = customerTraitFields(traits, 0, orders.timesMs[orders.timesMs.length - 1], before, asOf, shop.currency);
  const row: ScoreRow = { ...scoreRow(shop, data.customerId, score), ...fields, clusterId: before?.clusterId ?? null };
  const { flowTriggerEnabled } = resolveSettings(shop.settings);
  const transitions = transitionsFor([row], previous, flowTriggerEnabled, "new order activity");
  const traitEvents = gained.map((trait) => ({ customerId: data.customerId, trait, flowStatus: eventStatus(flowTriggerEnabled) }));
  await afterScoring(shop, await saveScoresWithChanges(shop.id, asOf, [row], transitions, traitEvents), [data.customerId]);
  return { customerId: data.customerId, segment: row.segment, changed: transitions.length > 0, traits: row.traits, gained };
}

export async function recomputeAllShops(): Promise<unknown> {
  const domains = await installedShopDomains();
  for (const shop of domains) {
    await enqueue("recompute-shop", { shop, reason: "nightly" });
  }
  return { shops: domains.length };
}
