// Store kinds other than buy-till-you-die, each a known latent process, so a
// churn or value model can be checked on data that breaks BG/NBD's
// assumptions (generateStore's `behaviour` option; generator.ts turns the
// purchases into orders, adds the real-store noise, and records the truth):
//
// - "replenishment": every customer buys on a personal cycle (uniform
//   cycleMinDays..cycleMaxDays) with small jitter (gap = cycle × Gamma with
//   coefficient of variation cycleJitterCv) until a random stop: a share
//   (trialOnlyShare) stops after the first order, the others after an
//   exponential active life (mean meanLifetimeDays).
// - "seasonal": gift buyers. Yearly peaks, 20 Nov – 24 Dec and (secondPeak)
//   1 – 12 May. A customer is first seen in a peak (85 %) or at any time,
//   buys in each later main peak with a personal probability (Beta(4, 2)),
//   in each second peak with 0.35 × that, 1 + Poisson(0.3) orders a peak,
//   and rarely in between (Poisson, mean offPeakPerYear a year). After each
//   main peak the customer leaves for good with a personal probability
//   (Beta with mean yearlyDropout).
// - "discount_bursts": the shop runs sale events (every saleGapMinDays..
//   saleGapMaxDays, lasting saleMinDays..saleMaxDays). A customer is first
//   seen in a sale (75 %) or at any time, buys in each later sale with a
//   personal probability (Beta(2, 2)), 1 + Poisson(0.2) orders a sale, each
//   with a discount code, and rarely in between (rate Gamma(0.6)/400 a day);
//   stops like a replenishment customer (trialOnlyShare, meanLifetimeDays).
//
// All kinds draw spend as the BTYD stores do (Gamma-Gamma, `params` p, q,
// gamma), and the same acquisition curve. Ground truth per customer: the
// average purchase rate while active (`lambda`), p = 0, `alive` = the stop
// is at or after asOf, `stopsAt`, and for replenishment `cycleDays`.
//
// Planted traits (generateStore's `plantedTraits`, any store kind, off by
// default): per buyer, independently of how they buy, a discount propensity
// and a product-type affinity (plantTraits below), recorded in the truth.
import { pickProduct } from "./catalogue";
import { DAY_MS, isoSeconds } from "./iso-time";
import { type Customers, drawOrderValue, FLAG_CANCELLED, FLAG_SALE, PurchaseColumns } from "./purchases";
import type { Settings } from "./generator";
import { sampleBeta, sampleExponential, sampleGamma, type Rng } from "../support/random";

export type StoreBehaviour = "btyd" | "replenishment" | "seasonal" | "discount_bursts";

/** The knobs of the non-BTYD kinds (each kind reads its own; all are recorded in the truth). */
export interface BehaviourParams {
  /** replenishment: personal cycle ~ Uniform(min, max) days; gap = cycle × Gamma(mean 1, this CV). */
  cycleMinDays: number;
  cycleMaxDays: number;
  cycleJitterCv: number;
  /** replenishment, discount_bursts: share that stops after the first order; mean active life of the rest. */
  trialOnlyShare: number;
  meanLifetimeDays: number;
  /** seasonal: also a smaller May peak; mean yearly dropout after the main peak; off-peak orders a year. */
  secondPeak: boolean;
  yearlyDropout: number;
  offPeakPerYear: number;
  /** discount_bursts: days between the end of one sale and the start of the next, and sale length. */
  saleGapMinDays: number;
  saleGapMaxDays: number;
  saleMinDays: number;
  saleMaxDays: number;
}

export const DEFAULT_BEHAVIOUR_PARAMS: BehaviourParams = {
  cycleMinDays: 20,
  cycleMaxDays: 60,
  cycleJitterCv: 0.08,
  trialOnlyShare: 0.3,
  meanLifetimeDays: 365,
  secondPeak: true,
  yearlyDropout: 0.3,
  offPeakPerYear: 0.2,
  saleGapMinDays: 40,
  saleGapMaxDays: 80,
  saleMinDays: 3,
  saleMaxDays: 7,
};

/** A window of the shop's calendar: a seasonal peak or a sale event, [start, end). */
export interface BehaviourEvent {
  kind: "peak" | "second_peak" | "sale";
  start: string;
  end: string;
}

interface Window {
  kind: BehaviourEvent["kind"];
  startMs: number;
  endMs: number;
}

export interface BehaviourSimulation {
  customers: Customers;
  purchases: PurchaseColumns;
  params: BehaviourParams;
  events: BehaviourEvent[];
}

function samplePoisson(rng: Rng, mean: number): number {
  // Inversion; the means used here are small.
  const limit = Math.exp(-mean);
  let k = 0;
  let prod = rng();
  while (prod > limit) {
    k++;
    prod *= rng();
  }
  return k;
}

const uniform = (rng: Rng, lo: number, hi: number) => lo + rng() * (hi - lo);

/** Phase 1 for the non-BTYD kinds: the same output as generator.ts's simulateCustomers. */
export function simulateBehaviour(s: Settings, rng: Rng): BehaviourSimulation {
  const params: BehaviourParams = { ...DEFAULT_BEHAVIOUR_PARAMS, ...s.behaviourParams };
  const { asOfMs, startMs, spanMs, nCustomers, horizonEndMs } = s;
  const nBuyers = Math.round(nCustomers * (1 - s.noOrderShare));
  const c: Customers = {
    nBuyers,
    createdMs: new Float64Array(nCustomers),
    lambdas: new Float64Array(nBuyers),
    ps: new Float64Array(nBuyers),
    meanSpendMinor: new Float64Array(nBuyers),
    aliveAtAsOf: new Uint8Array(nBuyers),
    futureOrders: new Int32Array(nBuyers),
    countedBeforeAsOf: new Int32Array(nBuyers),
    aliveTotal: 0,
    futureTotal: 0,
  };
  const stopsAtMs = (c.stopsAtMs = new Float64Array(nBuyers));
  const purchases = new PurchaseColumns(Math.ceil(nBuyers * 5 * (1 + s.guestShare + s.testShare)) + 16);

  // Per customer: spend, and one purchase (cancellation and amount drawn here, in time order of the calls).
  let nu = 1;
  let orders = 0;
  const buy = (i: number, t: number, flags: number): boolean => {
    if (orders >= s.maxOrders || t >= horizonEndMs) return false;
    orders++;
    const cancelled = rng() < s.cancelShare;
    const amount = drawOrderValue(rng, s.params, nu);
    if (t < asOfMs) {
      purchases.push(t, i, amount, flags | (cancelled ? FLAG_CANCELLED : 0));
      if (!cancelled) c.countedBeforeAsOf[i]++;
    } else if (!cancelled) c.futureOrders[i]++;
    return true;
  };
  const acquisition = () => {
    const u = rng();
    return startMs + Math.floor(Math.sqrt(u * 0.6 + 0.4 * u * u) * spanMs);
  };

  const windows: Window[] = s.behaviour === "seasonal" ? peakWindows(s, params) : s.behaviour === "discount_bursts" ? saleWindows(s, params, rng) : [];
  const inSpan = windows.filter((w) => w.startMs < asOfMs && w.endMs > startMs);

  for (let i = 0; i < nBuyers; i++) {
    nu = sampleGamma(rng, s.params.q) / s.params.gamma;
    c.meanSpendMinor[i] = Math.round((s.params.p / nu) * 100);
    orders = 0;
    let t0: number;
    let stop: number;
    if (s.behaviour === "replenishment") {
      t0 = acquisition();
      const cycle = uniform(rng, params.cycleMinDays, params.cycleMaxDays);
      (c.cycleDays ??= new Float64Array(nBuyers))[i] = cycle;
      c.lambdas[i] = 1 / cycle;
      stop = rng() < params.trialOnlyShare ? t0 : t0 + Math.round(sampleExponential(rng, 1 / params.meanLifetimeDays) * DAY_MS);
      const shape = 1 / (params.cycleJitterCv * params.cycleJitterCv);
      for (let t = t0; t === t0 || t < stop; ) {
        if (!buy(i, t, 0)) break;
        t += Math.max(DAY_MS, Math.round(((cycle * sampleGamma(rng, shape)) / shape) * DAY_MS));
      }
    } else if (s.behaviour === "seasonal") {
      const w0 = rng() < 0.85 ? pickWindow(rng, inSpan, s) : null;
      t0 = w0 ? Math.floor(uniform(rng, Math.max(w0.startMs, startMs), Math.min(w0.endMs, asOfMs))) : acquisition();
      const pMain = sampleBeta(rng, 4, 2);
      const dropout = sampleBeta(rng, 1.5, (1.5 * (1 - params.yearlyDropout)) / params.yearlyDropout);
      const offRate = (sampleGamma(rng, 1) * params.offPeakPerYear) / 365;
      c.lambdas[i] = (pMain * 1.3 * (1 + (params.secondPeak ? 0.35 : 0))) / 365 + offRate;
      buy(i, t0, 0);
      stop = Infinity;
      for (const w of windows) {
        if (w.endMs <= t0) continue;
        if (w.startMs >= horizonEndMs) break;
        if (w.startMs <= t0) {
          // The window of the first order: a few more gifts in its rest.
          const extra = samplePoisson(rng, 0.3);
          for (let k = 0; k < extra; k++) buy(i, Math.floor(uniform(rng, t0, w.endMs)), 0);
        } else if (rng() < (w.kind === "peak" ? pMain : 0.35 * pMain)) {
          const n = 1 + samplePoisson(rng, 0.3);
          for (let k = 0; k < n; k++) buy(i, Math.floor(uniform(rng, w.startMs, w.endMs)), 0);
        }
        if (w.kind === "peak" && rng() < dropout) {
          stop = w.endMs;
          break;
        }
      }
      for (let t = t0 + sampleExponential(rng, offRate) * DAY_MS; t < Math.min(stop, horizonEndMs); t += sampleExponential(rng, offRate) * DAY_MS) {
        if (!buy(i, Math.floor(t), 0)) break;
      }
    } else {
      // discount_bursts
      let w0: Window | null = null;
      if (rng() < 0.75) {
        const raw = acquisition();
        w0 = inSpan.find((w) => w.startMs >= raw) ?? inSpan[inSpan.length - 1] ?? null;
      }
      t0 = w0 ? Math.floor(uniform(rng, Math.max(w0.startMs, startMs), Math.min(w0.endMs, asOfMs))) : acquisition();
      const pSale = sampleBeta(rng, 2, 2);
      const baseRate = sampleGamma(rng, 0.6) / 400 || 1e-9;
      const meanGap = (params.saleGapMinDays + params.saleGapMaxDays + params.saleMinDays + params.saleMaxDays) / 2;
      c.lambdas[i] = (pSale * 1.2) / meanGap + baseRate;
      stop = rng() < params.trialOnlyShare ? t0 : t0 + Math.round(sampleExponential(rng, 1 / params.meanLifetimeDays) * DAY_MS);
      buy(i, t0, w0 ? FLAG_SALE : 0);
      for (const w of windows) {
        if (w.startMs <= t0) continue;
        if (w.startMs >= Math.min(stop, horizonEndMs)) break;
        if (rng() < pSale) {
          const n = 1 + samplePoisson(rng, 0.2);
          for (let k = 0; k < n; k++) buy(i, Math.floor(uniform(rng, w.startMs, Math.min(w.endMs, stop))), FLAG_SALE);
        }
      }
      for (let t = t0 + sampleExponential(rng, baseRate) * DAY_MS; t < Math.min(stop, horizonEndMs); t += sampleExponential(rng, baseRate) * DAY_MS) {
        if (!buy(i, Math.floor(t), 0)) break;
      }
    }
    stopsAtMs[i] = stop;
    // Account created just before the first checkout; 10 % registered earlier.
    c.createdMs[i] = rng() < 0.1 ? t0 - Math.floor(rng() * 60 * DAY_MS) : t0 - Math.floor(rng() * 15 * 60_000);
    const alive = stop >= asOfMs;
    c.aliveAtAsOf[i] = alive ? 1 : 0;
    if (alive) c.aliveTotal++;
    c.futureTotal += c.futureOrders[i];
  }
  for (let i = nBuyers; i < nCustomers; i++) c.createdMs[i] = startMs + Math.floor(rng() * spanMs);
  const events = windows
    .filter((w) => w.endMs > startMs)
    .map((w) => ({ kind: w.kind, start: isoSeconds(w.startMs), end: isoSeconds(w.endMs) }));
  return { customers: c, purchases, params, events };
}

/** Yearly peak windows from the year before the store's start to the end of the horizon. */
function peakWindows(s: Settings, params: BehaviourParams): Window[] {
  const out: Window[] = [];
  const first = new Date(s.startMs).getUTCFullYear() - 1;
  const last = new Date(s.horizonEndMs).getUTCFullYear();
  for (let y = first; y <= last; y++) {
    if (params.secondPeak) out.push({ kind: "second_peak", startMs: Date.UTC(y, 4, 1), endMs: Date.UTC(y, 4, 13) });
    out.push({ kind: "peak", startMs: Date.UTC(y, 10, 20), endMs: Date.UTC(y, 11, 25) });
  }
  return out;
}

/** The shop's sale calendar, from before the store's start to the end of the horizon. */
function saleWindows(s: Settings, params: BehaviourParams, rng: Rng): Window[] {
  const out: Window[] = [];
  let t = s.startMs - Math.floor(rng() * params.saleGapMaxDays * DAY_MS);
  while (t < s.horizonEndMs) {
    const len = Math.round(uniform(rng, params.saleMinDays, params.saleMaxDays)) * DAY_MS;
    const start = Math.floor(t / DAY_MS) * DAY_MS; // sales start at midnight UTC
    out.push({ kind: "sale", startMs: start, endMs: start + len });
    t = start + len + Math.round(uniform(rng, params.saleGapMinDays, params.saleGapMaxDays)) * DAY_MS;
  }
  return out;
}

/** A peak window for a customer's first order: weighted by its length inside the span, the main peak 3:1. */
function pickWindow(rng: Rng, windows: Window[], s: Settings): Window | null {
  let total = 0;
  const weight = (w: Window) => (Math.min(w.endMs, s.asOfMs) - Math.max(w.startMs, s.startMs)) * (w.kind === "peak" ? 3 : 1);
  for (const w of windows) total += weight(w);
  if (!(total > 0)) return null;
  let u = rng() * total;
  for (const w of windows) {
    u -= weight(w);
    if (u <= 0) return w;
  }
  return windows[windows.length - 1];
}

// --------------------------------------------------------- planted traits ----

/** The knobs of generateStore's `plantedTraits` (all recorded in the truth). */
export interface PlantedTraitParams {
  /** Share of buyers who are discount seekers. */
  discountSeekerShare: number;
  /** P(an order carries a discount code and a discount amount): a seeker's, everyone else's (guests too). */
  seekerDiscountShare: number;
  otherDiscountShare: number;
  /** Share of buyers who are category specialists; their type is drawn by the catalogue's popularity. */
  specialistShare: number;
  /** P(a specialist's line item is of their type); otherwise it is drawn by popularity like anyone's. */
  specialistLineShare: number;
}

export const DEFAULT_PLANTED_TRAITS: PlantedTraitParams = {
  discountSeekerShare: 0.15,
  seekerDiscountShare: 0.95,
  otherDiscountShare: 0.03,
  specialistShare: 0.2,
  specialistLineShare: 0.95,
};

/** Per buyer (customer index): the planted traits. */
export interface PlantedTraits {
  params: PlantedTraitParams;
  /** 1 for a discount seeker. */
  seeker: Uint8Array;
  /** The specialist's product type, null for everyone else. */
  specialistType: (string | null)[];
}

/**
 * Who is a discount seeker and who a category specialist, two independent draws per buyer
 * from their own rng, so the purchases (times, amounts) are the same with or without them.
 */
export function plantTraits(params: PlantedTraitParams, nBuyers: number, rng: Rng): PlantedTraits {
  const seeker = new Uint8Array(nBuyers);
  const specialistType: (string | null)[] = new Array(nBuyers);
  for (let i = 0; i < nBuyers; i++) {
    seeker[i] = rng() < params.discountSeekerShare ? 1 : 0;
    const specialist = rng() < params.specialistShare;
    const type = pickProduct(rng).productType; // drawn always: one stream per buyer
    specialistType[i] = specialist ? type : null;
  }
  return { params, seeker, specialistType };
}
