// The CPU-bound part of a shop's full recompute (facts, the churn champion, the backtest,
// traits, discovered segments), pure over the shop's columnar orders, and a way to run it
// on a worker thread. A big shop's models take seconds of synchronous code; on the worker
// process's own event loop that stalls every other job of the process (small shops'
// recomputes, live rescores, BullMQ's lock renewals) for as long
// (docs/decisions/0015-scale-out-and-fairness.md, "Fairness").
import { Worker } from "node:worker_threads";
import type { BehaviourOrders } from "../domain/behaviour-orders";
import { factsFromGroupedOrders, type GroupedOrders, type PopulationFacts } from "../domain/population-facts";
import { completeWithChampion, scoreWithChampion, type ChampionScoring, type ChampionSelection } from "../domain/score-with-champion";
import type { ChampionFit } from "../domain/churn/champion";
import { bgNbdAndHeuristicState, scoreFacts, type ScoreFactsResult } from "../domain/score-shop";
import { backtest, type BacktestOutcome } from "../domain/backtest";
import { addVipAtRisk, computeTraits, type ShopTraits } from "../domain/traits";
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
  const traits = computeTraits(orders, { asOf, churnProbability: churnByCustomer(scoring, customerIndex, orders.offsets.length - 1) });
  const clustered = discoverClusters(orders, asOf, { previous: previousClusters });
  return { fitted: true, customers: facts.n, facts, customerIndex, scoring, check, traits, clustered };
}

function churnByCustomer(scoring: ChampionScoring, customerIndex: ArrayLike<number>, customers: number): Float64Array {
  const churn = new Float64Array(customers);
  const byRow = scoring.result.columns.churnProbability;
  for (let i = 0; i < byRow.length; i++) churn[customerIndex[i]] = byRow[i];
  return churn;
}

/** fitShopModels' work that needs no churn champion, for the fit thread while another thread selects it. */
export interface ModelsBeforeChampion {
  facts: PopulationFacts["facts"];
  customerIndex: PopulationFacts["customerIndex"];
  result: ScoreFactsResult;
  check: BacktestOutcome;
  /** Without vip_at_risk, which reads the champion's churn (addVipAtRisk). */
  traits: ShopTraits;
  clustered: ClusterResult;
}

/**
 * The BG/NBD fit first, handed to `onFit` (the champion's selection reads it: null when the
 * shop has no customers to score), then the rest, scored on that same fit.
 */
export function fitModelsBeforeChampion(input: ShopModelsInput, onFit: (fit: ChampionFit | null) => void): ModelsBeforeChampion | null {
  const { orders, asOf, horizonDays, segmentMap, previousClusters } = input;
  const { facts, customerIndex } = factsFromGroupedOrders(orders, asOf);
  if (facts.n === 0) {
    onFit(null);
    return null;
  }
  const fit = bgNbdAndHeuristicState(facts);
  onFit(fit);
  const result = scoreFacts(facts, { asOf, horizonDays, segmentMap, bgnbdDecision: fit });
  const check = backtest(orders, { asOf, horizonDays, segmentMap });
  const traits = computeTraits(orders, { asOf, churnProbability: null });
  const clustered = discoverClusters(orders, asOf, { previous: previousClusters });
  return { facts, customerIndex, result, check, traits, clustered };
}

/**
 * fitModelsBeforeChampion's models completed with the champion selected on another thread
 * (selectChampionOnFit), or selected here when there is none or it was selected on another fit:
 * exactly what fitShopModels gives (test/scoring/shop-models-thread.test.ts).
 */
export function completeShopModels(before: ModelsBeforeChampion | null, input: ShopModelsInput, selection: ChampionSelection | null): ShopModels {
  if (!before) return { fitted: false };
  const { facts, customerIndex, result, check, traits, clustered } = before;
  const { orders, asOf, horizonDays, segmentMap } = input;
  const scoring = completeWithChampion(result, facts, orders, { asOf, horizonDays, segmentMap }, selection);
  addVipAtRisk(traits, churnByCustomer(scoring, customerIndex, orders.offsets.length - 1));
  return { fitted: true, customers: facts.n, facts, customerIndex, scoring, check, traits, clustered };
}

/** The process's one fit thread at a time (each added fit waits for the ones before it). */
let threadFree: Promise<unknown> = Promise.resolve();

/**
 * The ArrayBuffers under the typed arrays of a value (objects and short arrays walked a few
 * levels deep), each once: what postMessage can move instead of copying.
 */
function transferablesOf(value: unknown, depth = 6, out = new Set<ArrayBuffer>()): ArrayBuffer[] {
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
  /** Whether the churn champion came from the champion thread (false: selected on the fit thread after all). */
  championBeside: boolean;
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

/** What the champion thread (champion-thread.ts) is given: the scoring columns, in shared memory. */
export interface ChampionThreadInput {
  orders: GroupedOrders;
  asOfMs: number;
  horizonDays: number;
}

/** What the fit thread (shop-models-thread.ts) sends: its BG/NBD fit for the champion thread, then its answer. */
export type FitThreadMessage = { kind: "fit"; fit: ChampionFit | null } | { kind: "answer"; answer: ThreadFit };

/**
 * Two threads. The fit thread (shop-models-thread.ts) takes the orders, fits BG/NBD and sends
 * the fit here, then scores and fits the rest; the champion thread (champion-thread.ts), given
 * the same scoring columns (shared memory where the reader put them there, not copied), gets
 * that fit and selects the churn champion on it (its backtest over the cuts, about half of a
 * big shop's fit) meanwhile. The selection goes back to the fit thread, which completes the
 * models; if the champion thread fails, the fit thread selects the champion itself.
 */
function fitOnThread(input: ShopModelsInput): Promise<ThreadFit> {
  const { offsets, timesMs, amountsMinor } = input.orders;
  const championInput: ChampionThreadInput = { orders: { offsets, timesMs, amountsMinor }, asOfMs: input.asOf.getTime(), horizonDays: input.horizonDays };
  const champion = startThread(new URL("./champion-thread.ts", import.meta.url), championInput, false);
  const fitThread = startThread(new URL("./shop-models-thread.ts", import.meta.url), input, true);
  const selection = new Promise<ChampionSelection | null>((resolve) => {
    champion.once("message", resolve);
    champion.once("error", () => resolve(null));
    champion.once("exit", () => resolve(null));
  });
  void selection.then((s) => fitThread.postMessage(s));
  const answer = new Promise<ThreadFit>((resolve, reject) => {
    let settled = false;
    fitThread.on("message", (message: FitThreadMessage) => {
      if (message.kind === "fit") {
        champion.postMessage(message.fit);
        return;
      }
      settled = true;
      // Answered once the thread is gone: its heap (a big shop's intermediate columns) is freed
      // before the caller goes on to build and write the scores.
      const done = () => resolve(message.answer);
      void fitThread.terminate().then(done, done);
    });
    fitThread.once("error", (error) => {
      settled = true;
      reject(error);
    });
    fitThread.once("exit", (code) => {
      if (!settled) reject(new Error(`shop models thread exited with code ${code} before answering`));
    });
  });
  return answer.finally(() => void champion.terminate());
}

/** A worker thread running `url` on `workerData`, its arrays moved to it when `move`. */
function startThread(url: URL, workerData: unknown, move: boolean): Worker {
  const start = (transferList: ArrayBuffer[]) => new Worker(url, { workerData, transferList, execArgv: ["--import", "tsx"] });
  return move ? sendMoving(workerData, start) : start([]);
}
