// Scoring jobs. A full recompute fits the shop's models and scores everyone;
// a live rescore scores one customer against the stored model state (cut
// points, parameters, trait thresholds), so a new order moves a customer, and
// changes its traits, within seconds.
import { storedReasonFields } from "../../domain/explanations";
import { customerScoreAt, type CustomerScore, type ShopModelState } from "../../domain/score-shop";
import { rescoreWithChampion } from "../../domain/score-with-champion";
import type { ChurnChampionState } from "../../domain/churn/champion";
import { resolveSettings } from "../../domain/shop-settings";
import { isHoldout } from "../../domain/holdout";
import { NO_SHOP_THRESHOLDS, computeTraits, storedThresholds, type StoredTraitThresholds } from "../../domain/traits";
import { customerTraitFields } from "../../domain/customer-traits";
import type { ClusterDescription, ClusterState } from "../../domain/clusters";
import type { PreviousScore } from "../../domain/recovered";
import { findShopOrThrow, installedShopSizes, saveModelState } from "../../models/shops.server";
import {
  deleteScore,
  loadBehaviourOrders,
  previousScores,
  replaceShopScores,
  saveScoresWithChanges,
  type NewTransition,
  type ScoreRow,
} from "../../models/scores.server";
import type { NewTraitEvent } from "../../models/trait-events.server";
import { fitShopModels, fitShopModelsOffThread } from "../shop-models";
import { enqueue, enqueueMany, recomputePriority, type JobPayloads } from "../../queue.server";

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
    ...storedReasonFields(score.reasons),
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

/**
 * Customers scored, and their rows streamed to the database, per step of a full recompute. Two
 * chunks are alive at a time (one in PostgreSQL, one being built); at 10,000 their rows outgrew
 * V8's young generation and were promoted, and the old space swung by 300 MB between major GCs
 * (a 1M recompute's peak 1,024 MB against 918 MB at 4,000; 73.9 s and 66.6 s wall, both at load 2-3).
 */
const SCORE_CHUNK = 4_000;

/**
 * Customers built between turns of the event loop. The previous chunk's statements go to
 * PostgreSQL one after another, each sent from a callback: a chunk built in one synchronous
 * run (~90 ms at 4,000) held each next statement back until it ended, so PostgreSQL and the
 * build took turns instead of overlapping (a 1M write phase at 218 ms a chunk, 128 of them
 * the upsert).
 */
const BUILD_SLICE = 500;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const eventStatus = (flowEnabled: boolean): NewTraitEvent["flowStatus"] => (flowEnabled ? "pending" : "none");

/**
 * Shops with at least this many customers fit their models on a worker thread: at 20,000 the fit
 * is about a second of synchronous code (a 200,000-customer shop's about 13 s), a thread's start
 * (tsx loading the domain) a few hundred milliseconds.
 */
const OFF_THREAD_MIN_CUSTOMERS = 20_000;

export async function recomputeShop(data: JobPayloads["recompute-shop"]): Promise<unknown> {
  const shop = await findShopOrThrow(data.shop);
  const asOf = new Date();
  // Wall milliseconds per phase, in the job's stats (JobRun.stats): where a big shop's time goes.
  const started = performance.now();
  const loaded = await loadBehaviourOrders(shop.id);
  const readMs = performance.now() - started;
  const { segmentMap, churnHorizonDays: horizonDays, flowTriggerEnabled } = resolveSettings(shop.settings);
  const stored = shop.modelState as unknown as StoredModelState | null;
  // The ids stay here (the thread needs only the columns).
  const { customerIds, ...columns } = loaded;
  const input = { orders: columns, asOf, horizonDays, segmentMap, previousClusters: stored?.clusters?.state ?? null };
  // A big shop's fit off this process's event loop, on two threads (the churn champion beside
  // the rest): its other jobs (small shops, live rescores, lock renewals) go on meanwhile. Its
  // orders move to the threads and back (not copied).
  const fit = customerIds.length >= OFF_THREAD_MIN_CUSTOMERS ? await fitShopModelsOffThread(input) : { models: fitShopModels(input), orders: columns, championBeside: false };
  const { models } = fit;
  const fitMs = performance.now() - started - readMs;
  const orders = { ...fit.orders, customerIds };
  if (!models.fitted) return { customers: 0 };
  const { facts, customerIndex, scoring: { result, churn }, check, traits, clustered } = models;

  // Scores are built and streamed to the database a chunk at a time (a million rows
  // with their trait reasons would not fit in the worker's memory).
  const saved = await replaceShopScores(shop.id, asOf, async (writer) => {
    for (let start = 0; start < facts.n; start += SCORE_CHUNK) {
      const end = Math.min(facts.n, start + SCORE_CHUNK);
      const previous = await writer.previousBetween(orders.customerIds[customerIndex[start]], orders.customerIds[customerIndex[end - 1]]);
      const rows: ScoreRow[] = new Array(end - start);
      const traitEvents: NewTraitEvent[] = [];
      for (let i = start; i < end; i++) {
        if (i > start && (i - start) % BUILD_SLICE === 0) await nextTurn();
        const c = customerIndex[i];
        const customerId = orders.customerIds[c];
        const { gained, ...fields } = customerTraitFields(traits, c, orders.timesMs[orders.offsets[c + 1] - 1], previous.get(customerId) ?? null, asOf, shop.currency);
        rows[i - start] = { ...scoreRow(shop, customerId, customerScoreAt(facts, result, i)), ...fields, clusterId: clustered.ok ? clustered.clusterOf[c] : null };
        for (const trait of gained) traitEvents.push({ customerId, trait, flowStatus: eventStatus(flowTriggerEnabled) });
      }
      await writer.write(rows, transitionsFor(rows, previous, flowTriggerEnabled, data.reason), traitEvents);
    }
  });
  const writeMs = performance.now() - started - readMs - fitMs;
  const clusters: StoredClusters = clustered.ok
    ? { state: clustered.state, k: clustered.k, silhouette: clustered.silhouette, reason: null, clusters: clustered.clusters }
    : { state: null, k: null, silhouette: null, reason: clustered.reason, clusters: [] };
  await saveModelState(shop.id, {
    modelState: { ...result.state, churn, accuracy: check.accuracy, accuracyReason: check.reason, traits: storedThresholds(traits), clusters },
    modelKind: result.state.model,
    scoredAt: asOf,
  });
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
    championBeside: fit.championBeside,
    phaseMs: { read: Math.round(readMs), fit: Math.round(fitMs), write: Math.round(writeMs), total: Math.round(performance.now() - started) },
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

/** Recomputes added per round trip by the fan-out (each chunk one MULTI, within the producer deadline). */
const FANOUT_CHUNK = 500;

/**
 * The nightly fan-out: every installed shop's recompute with a priority from its size
 * (recomputePriority), so the long tail of small shops is taken before a few big ones
 * (docs/decisions/0015-scale-out-and-fairness.md, "Fairness"). Added smallest first and a chunk
 * at a time in one MULTI: a worker with free slots takes jobs while later chunks are still
 * being added, and those first jobs must be small shops too; the priority orders everything
 * that is queued (a later chunk, a lock-delayed or retried big shop).
 */
export async function recomputeAllShops(): Promise<unknown> {
  const shops = await installedShopSizes();
  const customersOf = new Map(shops.map((s) => [s.domain, s.customers]));
  for (let i = 0; i < shops.length; i += FANOUT_CHUNK) {
    const chunk = shops.slice(i, i + FANOUT_CHUNK).map(({ domain }) => ({ shop: domain, reason: "nightly" }));
    await enqueueMany("recompute-shop", chunk, (d) => recomputePriority(customersOf.get(d.shop) ?? 0));
  }
  return { shops: shops.length };
}
