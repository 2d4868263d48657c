/**
 * Discovered segments (docs/clusters.md): k-means on six standardised behavioural features,
 * one row per customer with at least one counted order before asOf, k chosen by silhouette
 * in [3, 8], seeded, warm-started from the previous run's state so cluster ids stay stable,
 * each cluster described in words from its centre. Pure: plain data in, plain data out.
 */
import { kmeans } from "ml-kmeans";
import type { BehaviourOrders } from "./behaviour-orders";
import { type CustomerFacts, factsFromSortedOrders } from "./customer-facts";

export const CLUSTER_FEATURES = [
  "logFrequency",
  "logRecency",
  "logOrderValue",
  "discountShare",
  "categoryConcentration",
  "logMeanGap",
] as const;
export type ClusterFeature = (typeof CLUSTER_FEATURES)[number];
const D = CLUSTER_FEATURES.length;

/** The word for a centre far above (z > 0) and far below (z < 0) the shop's mean, per feature. */
const WORDS: Record<ClusterFeature, readonly [high: string, low: string]> = {
  logFrequency: ["frequent", "rare buyers"],
  logRecency: ["long silent", "recent"],
  logOrderValue: ["high order value", "low order value"],
  discountShare: ["discount-heavy", "pays full price"],
  categoryConcentration: ["single-category", "broad baskets"],
  logMeanGap: ["long gaps", "short gaps"],
};

export const DEFAULT_CLUSTER_SEED = 20_261_201;
export const MIN_CLUSTER_CUSTOMERS = 50;
export const K_MIN = 3;
export const K_MAX = 8;
/** k-means is fitted on at most this many rows (chosen by a seeded hash), then every row goes to its nearest centre. */
export const KMEANS_SAMPLE = 20_000;
/** The silhouette (O(m²)) is computed on at most this many rows: the first of the k-means sample in hash order. */
export const SILHOUETTE_SAMPLE = 2_000;
/** Fresh (k-means++) starts per k; the one with the lowest within-cluster sum of squares on the sample wins. */
const RESTARTS = 3;
const MAX_ITERATIONS = 100;
/** With a previous state, its k is kept unless another k's silhouette is higher by more than this. */
export const K_STICKINESS = 0.02;
/** A centre coordinate at least this far from 0 (standardised units) is a trait; at most MAX_TRAITS are named. */
export const TRAIT_Z = 0.5;
const MAX_TRAITS = 3;

/** What the next run needs to warm-start (JSON-serialisable). Centres are in the standardised units of `means`/`sds`. */
export interface ClusterState {
  version: 1;
  features: string[];
  k: number;
  seed: number;
  means: number[];
  /** Population standard deviations; 0 for a feature that was constant (its standardised value is 0). */
  sds: number[];
  centres: number[][];
  /** ids[j] is the stable id of centres[j]. */
  ids: number[];
}

export interface ClusterTrait {
  feature: ClusterFeature;
  /** The centre's coordinate in standardised units. */
  z: number;
  word: string;
}

export interface ClusterDescription {
  id: number;
  /** The trait words joined by ", ", or "typical customers" when no centre coordinate reaches TRAIT_Z. */
  label: string;
  traits: ClusterTrait[];
  /** The centre, standardised units, in CLUSTER_FEATURES order. */
  centre: number[];
  customers: number;
  /** customers / clustered customers. */
  share: number;
  /** Exact sum of the counted order amounts before asOf of the cluster's customers, 1/100 units. */
  totalSpendMinor: number;
  /** totalSpendMinor / customers rounded to a whole 1/100 unit (0 for an empty cluster). */
  spendPerCustomerMinor: number;
}

interface ResultBase {
  /** Per input customer (same indexing as the offsets): its cluster id, −1 without an order before asOf. */
  clusterOf: Int32Array;
  /** Customers with at least one counted order before asOf (the clustered population). */
  customers: number;
}

export interface Clustered extends ResultBase {
  ok: true;
  k: number;
  /** Mean silhouette of the chosen k on the silhouette sample. */
  silhouette: number;
  silhouetteByK: { k: number; silhouette: number }[];
  /** True when a usable previous state seeded the run. */
  warmStarted: boolean;
  /** Rows k-means and the silhouette ran on. */
  sampleSize: number;
  silhouetteSampleSize: number;
  state: ClusterState;
  /** By id ascending. */
  clusters: ClusterDescription[];
}

export interface NotClustered extends ResultBase {
  ok: false;
  reason: string;
}

export type ClusterResult = Clustered | NotClustered;

export interface ClusterOptions {
  /** Seed for the sample hash and k-means++; default: the previous state's seed, else DEFAULT_CLUSTER_SEED. */
  seed?: number;
  /** The state of the previous run, to warm-start from; ignored (cold start) when it does not fit this version. */
  previous?: ClusterState | null;
  minCustomers?: number;
}

export interface BehaviourFeatures {
  /** Raw features, row-major n × CLUSTER_FEATURES.length. */
  values: Float64Array;
  /** For each row, the index of its customer in the input. */
  customerIndex: Int32Array;
  /** For each row, the exact sum of the counted order amounts before asOf, 1/100 units. */
  spendMinor: Float64Array;
}

/** The raw features of every customer with at least one order strictly before asOf (docs/clusters.md). */
export function behaviourFeatures(orders: BehaviourOrders, asOf: Date): BehaviourFeatures {
  const asOfMs = asOf.getTime();
  const customers = orders.offsets.length - 1;
  const values = new Float64Array(customers * D);
  const customerIndex = new Int32Array(customers);
  const spendMinor = new Float64Array(customers);
  const types = orders.typeNames.length;
  const typeSpend = new Float64Array(types);
  const stamp = new Int32Array(types);
  const touched = new Int32Array(types);
  const facts: CustomerFacts = { frequency: 0, recencyDays: 0, monetaryMinor: 0, x: 0, tx: 0, T: 0, repeatDayMeanMinor: 0 };
  let n = 0;
  for (let c = 0; c < customers; c++) {
    const start = orders.offsets[c];
    if (!factsFromSortedOrders(orders.timesMs, orders.amountsMinor, start, orders.offsets[c + 1], asOfMs, facts)) continue;
    const count = facts.frequency; // sorted by time: the counted orders are the first `count`
    let discounted = 0;
    let typedTotal = 0;
    let nTouched = 0;
    for (let k = start; k < start + count; k++) {
      if (orders.discounted[k]) discounted++;
      for (let e = orders.typeOffsets[k]; e < orders.typeOffsets[k + 1]; e++) {
        const t = orders.typeIndex[e];
        const spend = orders.typeSpendMinor[e];
        if (stamp[t] !== c + 1) {
          stamp[t] = c + 1;
          typeSpend[t] = 0;
          touched[nTouched++] = t;
        }
        typeSpend[t] += spend;
        typedTotal += spend;
      }
    }
    let largest = 0;
    for (let j = 0; j < nTouched; j++) largest = Math.max(largest, typeSpend[touched[j]]);
    const o = n * D;
    values[o] = Math.log1p(count);
    values[o + 1] = Math.log1p(facts.recencyDays);
    values[o + 2] = Math.log1p(Math.max(0, facts.monetaryMinor / count / 100));
    values[o + 3] = discounted / count;
    values[o + 4] = typedTotal > 0 ? largest / typedTotal : 0;
    values[o + 5] = Math.log1p(facts.x > 0 ? facts.tx / facts.x : 0);
    customerIndex[n] = c;
    spendMinor[n] = facts.monetaryMinor;
    n++;
  }
  return { values: values.slice(0, n * D), customerIndex: customerIndex.slice(0, n), spendMinor: spendMinor.slice(0, n) };
}

export interface Standardised {
  z: Float64Array;
  means: number[];
  sds: number[];
}

/** Per feature: mean 0, population sd 1; a constant feature (sd ≈ 0) gets sd 0 and z 0 everywhere. */
export function standardise(values: Float64Array, n: number, d: number): Standardised {
  const means: number[] = [];
  const sds: number[] = [];
  const z = new Float64Array(n * d);
  for (let f = 0; f < d; f++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i * d + f];
    const mean = n > 0 ? sum / n : 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const dv = values[i * d + f] - mean;
      ss += dv * dv;
    }
    let sd = n > 0 ? Math.sqrt(ss / n) : 0;
    if (!(sd > 1e-9 * Math.max(1, Math.abs(mean)))) sd = 0;
    means.push(mean);
    sds.push(sd);
    if (sd > 0) for (let i = 0; i < n; i++) z[i * d + f] = (values[i * d + f] - mean) / sd;
  }
  return { z, means, sds };
}

function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * At most `size` rows, chosen by the smallest seeded hash of their customer index (ties by row),
 * returned in hash order, so any prefix is itself a hash sample. Deterministic; a customer's
 * membership does not depend on the other customers.
 */
function hashSample(customerIndex: Int32Array, size: number, seed: number): Int32Array {
  const n = customerIndex.length;
  const salt = mix32(seed >>> 0);
  const hash = (row: number) => mix32((customerIndex[row] ^ salt) >>> 0);
  let picked: number[] = [];
  if (n <= size) {
    for (let i = 0; i < n; i++) picked.push(i);
  } else {
    // Candidates below a hash threshold (expected 1.2 × size), widened until there are enough.
    let threshold = Math.min(2 ** 32, Math.ceil((1.2 * size * 2 ** 32) / n));
    for (;;) {
      picked = [];
      for (let i = 0; i < n; i++) if (hash(i) < threshold) picked.push(i);
      if (picked.length >= size || threshold >= 2 ** 32) break;
      threshold = Math.min(2 ** 32, threshold * 2);
    }
  }
  const keyed = picked.map((row) => [hash(row), row] as const);
  keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return Int32Array.from(keyed.slice(0, size), (p) => p[1]);
}

function squaredDistance(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number): number {
  let s = 0;
  for (let f = 0; f < D; f++) {
    const dv = a[ai + f] - b[bi + f];
    s += dv * dv;
  }
  return s;
}

/** Nearest centre (flat k × D) of each row of a flat row-major matrix; ties go to the lower index. */
function assignNearest(z: Float64Array, n: number, centres: Float64Array, k: number, out: Int32Array): void {
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let j = 0; j < k; j++) {
      const dj = squaredDistance(z, i * D, centres, j * D);
      if (dj < bestD) {
        bestD = dj;
        best = j;
      }
    }
    out[i] = best;
  }
}

/** Mean silhouette (Rousseeuw 1987) from a precomputed m × m Euclidean distance matrix; a singleton scores 0. */
function meanSilhouette(dist: Float64Array, m: number, labels: Int32Array, k: number): number {
  const size = new Int32Array(k);
  for (let i = 0; i < m; i++) size[labels[i]]++;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < m; i++) {
    sums.fill(0);
    for (let j = 0; j < m; j++) sums[labels[j]] += dist[i * m + j];
    const own = labels[i];
    if (size[own] <= 1) continue;
    const a = sums[own] / (size[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && size[c] > 0) b = Math.min(b, sums[c] / size[c]);
    if (!Number.isFinite(b)) continue; // one cluster only: no silhouette
    const top = Math.max(a, b);
    if (top > 0) total += (b - a) / top;
  }
  return m > 0 ? total / m : 0;
}

/** Minimum-cost matching of every row to a distinct column (rows ≤ cols ≤ 8), exact by DP over column subsets. */
function minCostMatching(cost: number[][], rows: number, cols: number): number[] {
  const full = 1 << cols;
  const best = new Float64Array((rows + 1) * full).fill(Infinity);
  const choice = new Int8Array((rows + 1) * full).fill(-1);
  best[0] = 0; // best[r * full + mask]: rows < r matched to the columns in mask
  for (let r = 0; r < rows; r++) {
    for (let mask = 0; mask < full; mask++) {
      const here = best[r * full + mask];
      if (here === Infinity) continue;
      for (let c = 0; c < cols; c++) {
        if (mask & (1 << c)) continue;
        const next = (r + 1) * full + (mask | (1 << c));
        const v = here + cost[r][c];
        if (v < best[next]) {
          best[next] = v;
          choice[next] = c;
        }
      }
    }
  }
  let mask = 0;
  let bestV = Infinity;
  for (let m = 0; m < full; m++) {
    if (best[rows * full + m] < bestV) {
      bestV = best[rows * full + m];
      mask = m;
    }
  }
  const match = new Array<number>(rows);
  for (let r = rows; r > 0; r--) {
    const c = choice[r * full + mask];
    match[r - 1] = c;
    mask &= ~(1 << c);
  }
  return match;
}

function usablePrevious(previous: ClusterState | null | undefined): ClusterState | null {
  if (!previous || previous.version !== 1) return null;
  const { k, means, sds, centres, ids, features } = previous;
  const finite = (xs: unknown) => Array.isArray(xs) && xs.length === D && xs.every((x) => typeof x === "number" && Number.isFinite(x));
  if (!Array.isArray(features) || features.length !== D || features.some((f, i) => f !== CLUSTER_FEATURES[i])) return null;
  if (!Number.isInteger(k) || k < K_MIN || k > K_MAX || !finite(means) || !finite(sds)) return null;
  if (!Array.isArray(centres) || centres.length !== k || !centres.every(finite)) return null;
  if (!Array.isArray(ids) || ids.length !== k || !ids.every((id) => Number.isInteger(id) && id >= 0) || new Set(ids).size !== k) return null;
  return previous;
}

/** The previous centres re-expressed in this run's standardised units (through the raw feature values). */
function restandardise(previous: ClusterState, means: number[], sds: number[]): number[][] {
  return previous.centres.map((centre) =>
    centre.map((cz, f) => {
      const raw = previous.means[f] + cz * previous.sds[f];
      return sds[f] > 0 ? (raw - means[f]) / sds[f] : 0;
    }),
  );
}

interface Fit {
  k: number;
  centres: Float64Array;
  warm: boolean;
  /** Every centre has rows of the k-means sample. */
  full: boolean;
  silhouette: number;
}

function fitK(data: number[][], k: number, seed: number, init: number[][] | null): { centres: Float64Array; sse: number } {
  const runs: { initialization: number[][] | "kmeans++"; seed: number }[] = init
    ? [{ initialization: init, seed }]
    : Array.from({ length: RESTARTS }, (_, r) => ({ initialization: "kmeans++", seed: (seed + 1_000_003 * r + 7919 * k) >>> 0 }));
  let best: { centres: Float64Array; sse: number } | null = null;
  for (const run of runs) {
    const result = kmeans(data, k, { ...run, maxIterations: MAX_ITERATIONS });
    const centres = Float64Array.from(result.centroids.flat());
    let sse = 0;
    for (const row of data) {
      let m = Infinity;
      for (let j = 0; j < k; j++) m = Math.min(m, squaredDistance(row, 0, centres, j * D));
      sse += m;
    }
    if (!best || sse < best.sse) best = { centres, sse };
  }
  if (!best) throw new Error("unreachable: no k-means run");
  return best;
}

function describe(id: number, centre: number[], customers: number, total: number, spendMinor: number): ClusterDescription {
  const traits: ClusterTrait[] = CLUSTER_FEATURES.map((feature, f) => ({ feature, z: centre[f], word: WORDS[feature][centre[f] > 0 ? 0 : 1] }))
    .filter((t) => Math.abs(t.z) >= TRAIT_Z)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .slice(0, MAX_TRAITS);
  return {
    id,
    label: traits.length > 0 ? traits.map((t) => t.word).join(", ") : "typical customers",
    traits,
    centre,
    customers,
    share: total > 0 ? customers / total : 0,
    totalSpendMinor: spendMinor,
    spendPerCustomerMinor: customers > 0 ? Math.round(spendMinor / customers) : 0,
  };
}

/** Discovered segments of a shop at asOf (docs/clusters.md). */
export function discoverClusters(orders: BehaviourOrders, asOf: Date, options: ClusterOptions = {}): ClusterResult {
  const previous = usablePrevious(options.previous);
  const seed = options.seed ?? previous?.seed ?? DEFAULT_CLUSTER_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`cluster seed must be an integer in [0, 2^32): ${seed}`);
  const minCustomers = options.minCustomers ?? MIN_CLUSTER_CUSTOMERS;
  const clusterOf = new Int32Array(orders.offsets.length - 1).fill(-1);

  const features = behaviourFeatures(orders, asOf);
  const n = features.customerIndex.length;
  if (n < minCustomers) {
    return { ok: false, clusterOf, customers: n, reason: `${n} customers with an order before as-of; discovered segments need at least ${minCustomers}` };
  }
  const { z, means, sds } = standardise(features.values, n, D);

  const sampleRows = hashSample(features.customerIndex, KMEANS_SAMPLE, seed);
  const sample = new Float64Array(sampleRows.length * D);
  sampleRows.forEach((row, i) => sample.set(z.subarray(row * D, row * D + D), i * D));
  const data = Array.from(sampleRows, (_, i) => Array.from(sample.subarray(i * D, i * D + D)));
  // k-means needs at least k distinct points.
  const distinct: number[][] = [];
  for (const row of data) {
    if (distinct.length > K_MAX) break;
    if (!distinct.some((p) => p.every((v, f) => v === row[f]))) distinct.push(row);
  }
  const kTop = Math.min(K_MAX, distinct.length);
  if (kTop < K_MIN) {
    return { ok: false, clusterOf, customers: n, reason: `only ${distinct.length} distinct behaviours among the customers; discovered segments need at least ${K_MIN}` };
  }

  const m = Math.min(SILHOUETTE_SAMPLE, data.length);
  const silRows = sample.subarray(0, m * D);
  const dist = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const dv = Math.sqrt(squaredDistance(silRows, i * D, silRows, j * D));
      dist[i * m + j] = dv;
      dist[j * m + i] = dv;
    }
  }

  const warmCentres = previous ? restandardise(previous, means, sds) : null;
  const fits: Fit[] = [];
  const labels = new Int32Array(data.length);
  for (let k = K_MIN; k <= kTop; k++) {
    const warm = previous !== null && warmCentres !== null && previous.k === k;
    const { centres } = fitK(data, k, seed, warm ? warmCentres : null);
    assignNearest(sample, data.length, centres, k, labels);
    const used = new Set(labels).size;
    fits.push({ k, centres, warm, full: used === k, silhouette: meanSilhouette(dist, m, labels, k) });
  }
  // A fit that leaves a centre without sample rows (a warm start whose group has gone) is not k clusters.
  const candidates = fits.some((f) => f.full) ? fits.filter((f) => f.full) : fits;
  let chosen = candidates[0];
  for (const f of candidates) if (f.silhouette > chosen.silhouette) chosen = f;
  const kept = previous ? candidates.find((f) => f.k === previous.k) : undefined;
  if (kept && kept.silhouette >= chosen.silhouette - K_STICKINESS) chosen = kept;
  const k = chosen.k;

  const index = new Int32Array(n);
  assignNearest(z, n, chosen.centres, k, index);
  const size = new Int32Array(k);
  const spend = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    size[index[i]]++;
    spend[index[i]] += features.spendMinor[i];
  }

  // Stable ids: the warm-started k keeps the previous ids; another k is matched to the previous centres;
  // a cold start (and any unmatched new cluster) numbers by size, largest first.
  const ids = new Array<number>(k).fill(-1);
  const bySize = Array.from({ length: k }, (_, j) => j).sort((a, b) => size[b] - size[a] || a - b);
  if (previous && warmCentres && chosen.warm) {
    for (let j = 0; j < k; j++) ids[j] = previous.ids[j];
  } else if (previous && warmCentres) {
    const cost = (j: number, p: number) => squaredDistance(chosen.centres, j * D, warmCentres[p], 0);
    if (k <= previous.k) {
      const match = minCostMatching(Array.from({ length: k }, (_, j) => Array.from({ length: previous.k }, (_, p) => cost(j, p))), k, previous.k);
      for (let j = 0; j < k; j++) ids[j] = previous.ids[match[j]];
    } else {
      const match = minCostMatching(Array.from({ length: previous.k }, (_, p) => Array.from({ length: k }, (_, j) => cost(j, p))), previous.k, k);
      for (let p = 0; p < previous.k; p++) ids[match[p]] = previous.ids[p];
    }
  }
  let nextId = previous ? Math.max(...previous.ids) + 1 : 0;
  for (const j of bySize) if (ids[j] < 0) ids[j] = nextId++;

  for (let i = 0; i < n; i++) clusterOf[features.customerIndex[i]] = ids[index[i]];
  const centres = Array.from({ length: k }, (_, j) => Array.from(chosen.centres.subarray(j * D, j * D + D)));
  const clusters = centres.map((centre, j) => describe(ids[j], centre, size[j], n, spend[j])).sort((a, b) => a.id - b.id);
  return {
    ok: true,
    clusterOf,
    customers: n,
    k,
    silhouette: chosen.silhouette,
    silhouetteByK: fits.map((f) => ({ k: f.k, silhouette: f.silhouette })),
    warmStarted: previous !== null,
    sampleSize: data.length,
    silhouetteSampleSize: m,
    state: { version: 1, features: [...CLUSTER_FEATURES], k, seed, means, sds, centres, ids },
    clusters,
  };
}
