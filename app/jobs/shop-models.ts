// The CPU-bound part of a shop's full recompute (facts, the churn champion, the backtest,
// traits, discovered segments), pure over the shop's columnar orders, and a way to run it
// on a worker thread. A big shop's models take seconds of synchronous code; on the worker
// process's own event loop that stalls every other job of the process (small shops'
// recomputes, live rescores, BullMQ's lock renewals) for as long
// (docs/decisions/0015-scale-out-and-fairness.md, "Fairness").
import { Worker } from "node:worker_threads";
import type { BehaviourOrders } from "../domain/behaviour-orders";
import { factsFromGroupedOrders, type PopulationFacts } from "../domain/population-facts";
import { scoreWithChampion, type ChampionScoring } from "../domain/score-with-champion";
import { backtest, type BacktestOutcome } from "../domain/backtest";
import { computeTraits, type ShopTraits } from "../domain/traits";
import { discoverClusters, type ClusterResult, type ClusterState } from "../domain/clusters";
import type { SegmentMap } from "../domain/segment-map";

export interface ShopModelsInput {
  orders: BehaviourOrders;
  asOf: Date;
  horizonDays: number;
  segmentMap: SegmentMap;
  previousClusters: ClusterState | null;
}

export type ShopModels =
  | { fitted: false }
  | {
      fitted: true;
      customers: number;
      facts: PopulationFacts["facts"];
      customerIndex: PopulationFacts["customerIndex"];
      scoring: ChampionScoring;
      check: BacktestOutcome;
      traits: ShopTraits;
      clustered: ClusterResult;
    };

export function fitShopModels({ orders, asOf, horizonDays, segmentMap, previousClusters }: ShopModelsInput): ShopModels {
  const { facts, customerIndex } = factsFromGroupedOrders(orders, asOf);
  if (facts.n === 0) return { fitted: false };
  // Churn from the shop's champion (BG/NBD, a supervised model or the heuristic), chosen by its own backtest.
  const scoring = scoreWithChampion(facts, orders, { asOf, horizonDays, segmentMap });
  // Measured accuracy (fit H days ago, checked on what happened since), shown on the dashboard.
  const check = backtest(orders, { asOf, horizonDays, segmentMap });
  // Traits read the champion's churn (vip_at_risk), indexed by customer.
  const churnOfCustomer = new Float64Array(orders.offsets.length - 1);
  for (let i = 0; i < facts.n; i++) churnOfCustomer[customerIndex[i]] = scoring.result.columns.churnProbability[i];
  const traits = computeTraits(orders, { asOf, churnProbability: churnOfCustomer });
  const clustered = discoverClusters(orders, asOf, { previous: previousClusters });
  return { fitted: true, customers: facts.n, facts, customerIndex, scoring, check, traits, clustered };
}

/** The process's one fit thread at a time (each added fit waits for the ones before it). */
let threadFree: Promise<unknown> = Promise.resolve();

/**
 * The ArrayBuffers under the typed arrays of a value (objects and short arrays walked a few
 * levels deep), each once: what postMessage can move instead of copying.
 */
function transferablesOf(value: unknown, depth = 4, out = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  } else if (depth > 0 && value !== null && typeof value === "object" && !(value instanceof Date)) {
    const items = Array.isArray(value) ? (value.length <= 10_000 ? value : []) : Object.values(value);
    for (const item of items) transferablesOf(item, depth - 1, out);
  }
  return [...out];
}

/**
 * Sends `value` with its ArrayBuffers moved (transferablesOf), or copied when one of them cannot
 * be moved (a pooled Buffer's: DataCloneError): `send` is postMessage or a Worker's start.
 */
export function sendMoving<T>(value: unknown, send: (transferList: ArrayBuffer[]) => T): T {
  try {
    return send(transferablesOf(value));
  } catch (error) {
    if (!(error instanceof Error && error.name === "DataCloneError")) throw error;
    return send([]);
  }
}

/** What a fit on the thread gives back: the models, and the orders the input moved to the thread. */
export interface ThreadFit {
  models: ShopModels;
  orders: BehaviourOrders;
}

/**
 * fitShopModels on a worker thread of its own (the process's event loop stays free). The
 * orders' arrays are moved to the thread (transferred, not copied: the input's arrays are
 * empty afterwards) and come back with the models, so a million-customer shop's orders are
 * never held twice; where an array cannot be moved (a pooled Buffer) it is copied. The thread
 * loads TypeScript through tsx, as the worker process does. One thread per process at a time:
 * fits side by side would only share the same cores, and each holds its shop's data (three
 * 50,000-customer fits at once took the worker's peak from 553 MB to 987 MB in bench:shops).
 */
export function fitShopModelsOffThread(input: ShopModelsInput): Promise<ThreadFit> {
  const fit = threadFree.then(() => fitOnThread(input));
  threadFree = fit.catch(() => undefined);
  return fit;
}

function fitOnThread(input: ShopModelsInput): Promise<ThreadFit> {
  return new Promise((resolve, reject) => {
    const url = new URL("./shop-models-thread.ts", import.meta.url);
    const thread = sendMoving(input.orders, (transferList) => new Worker(url, { workerData: input, transferList, execArgv: ["--import", "tsx"] }));
    let settled = false;
    thread.once("message", (answer: ThreadFit) => {
      settled = true;
      resolve(answer);
      void thread.terminate();
    });
    thread.once("error", (error) => {
      settled = true;
      reject(error);
    });
    thread.once("exit", (code) => {
      if (!settled) reject(new Error(`shop models thread exited with code ${code} before answering`));
    });
  });
}
