// Seeded, deterministic generator of simulated Shopify stores.
//
// By default (behaviour "btyd") customers follow a latent buy-till-you-die
// process exactly as BG/NBD assumes (Fader, Hardie & Lee 2005), in days:
//   - purchase rate  λ ~ Gamma(shape r, rate α), Poisson purchases while alive;
//   - dropout prob   p ~ Beta(a, b), drawn after every *repeat* purchase
//     (a one-time buyer is alive, as the model says);
//   - spend          ν ~ Gamma(q, rate γ), order value z ~ Gamma(p_s, rate ν)
//     (Gamma-Gamma; mean order value p_s·γ/(q−1)).
// The process is simulated past `asOf` for `horizonDays`, and those future
// orders are only counted into the ground truth, never stored.
//
// Other store kinds (behaviours.ts), each with its own ground truth:
// "replenishment" (a steady personal cycle until a random stop),
// "seasonal" (gift buyers around yearly peaks) and "discount_bursts"
// (purchases clustered in the shop's sale events). They share the spend
// model and everything below.
//
// Planted traits (option `plantedTraits`, any kind, off by default so stores
// without it are byte-identical to before): a share of buyers are discount
// seekers (most of their orders carry a discount code and a discount amount,
// everyone else's rarely) and a share are category specialists (their line
// items are almost all of one product type; everyone else's are drawn by the
// catalogue's popularity). Who is which is in the truth (`discountSeeker`,
// `specialistType`).
//
// Personal data (option `personalData`, off by default): names, emails, phones
// and addresses of customers and guest buyers, derived per id (personal-data.ts).
//
// Noise a real store has: guest checkouts, test orders, cancellations (some
// refunded), partial and full refunds, discount codes, presentment currencies
// different from the shop currency, customers that never ordered.
//
// Money: integer minor units; line items sum exactly to the order total.
import { CANCEL_REASONS, DISCOUNT_CODES, pickProduct, pickProductOfType } from "./catalogue";
import { hashString, ID_BASES, shopIdSlot } from "./ids";
import { DAY_MS, isoSeconds } from "./iso-time";
import type { Plan, SimCustomer, SimLineItem, SimOrder, SimRefund, SimShop } from "./model";
import { convertMinor, FX_PER_USD } from "./money";
import {
  type BehaviourEvent,
  type BehaviourParams,
  DEFAULT_PLANTED_TRAITS,
  type PlantedTraitParams,
  type PlantedTraits,
  plantTraits,
  type StoreBehaviour,
  simulateBehaviour,
} from "./behaviours";
import { type Customers, drawOrderValue, FLAG_CANCELLED, FLAG_SALE, FLAG_TEST, PurchaseColumns } from "./purchases";
import { createRng, sampleBeta, sampleExponential, sampleGamma, type Rng } from "../support/random";

// --------------------------------------------------------------- options ----

export interface BtydParams {
  /** BG/NBD purchase-rate heterogeneity, rate per day: λ ~ Gamma(r, α). */
  r: number;
  alpha: number;
  /** Dropout p ~ Beta(a, b). */
  a: number;
  b: number;
  /** Gamma-Gamma spend: z ~ Gamma(p, ν), ν ~ Gamma(q, γ); γ in shop currency units. */
  p: number;
  q: number;
  gamma: number;
}

export const DEFAULT_PARAMS: BtydParams = {
  // ~2.2 orders per customer over 2 years, about half one-time buyers.
  r: 0.5,
  alpha: 60,
  a: 1.2,
  b: 3.2,
  p: 5,
  q: 4,
  gamma: 30, // mean order value 5*30/3 = 50 (shop currency units)
};

export interface GenerateStoreOptions {
  domain: string;
  seed: string | number;
  /** Total customers, including those who never ordered. */
  customers: number;
  years?: number;
  /** As-of instant: orders are strictly before it (default: now). */
  asOf?: Date | string | number;
  currency?: string;
  plan?: Plan;
  grantedScopes?: string[];
  name?: string;
  params?: Partial<BtydParams>;
  /**
   * How customers buy (default "btyd", the BG/NBD process above). The other kinds use only
   * the spend parameters (p, q, gamma) of `params`; their own knobs are in `behaviourParams`.
   */
  behaviour?: StoreBehaviour;
  behaviourParams?: Partial<BehaviourParams>;
  horizonDays?: number;
  /** Shares (0..1). */
  noOrderCustomerShare?: number;
  guestOrderShare?: number;
  testOrderShare?: number;
  cancelShare?: number;
  refundShare?: number;
  fullRefundShare?: number;
  discountShare?: number;
  foreignCurrencyShare?: number;
  /** Cap on purchases per customer in the simulated window (default 500). */
  maxOrdersPerCustomer?: number;
  /**
   * Plant discount seekers and category specialists (behaviours.ts, PlantedTraitParams):
   * true for the defaults, or some of the knobs. With it, `discountShare` is unused (each
   * order's discount chance is its customer's); without it the store is as before.
   */
  plantedTraits?: boolean | Partial<PlantedTraitParams>;
  /**
   * Give customers and guest buyers personal data as Shopify has it (names, email, phone,
   * default address; personal-data.ts), drawn from the seed per customer id. Off by default:
   * a store without it is byte-identical to before, and with it only `shop.personalData` differs.
   */
  personalData?: boolean;
}

export interface GroundTruthCustomer {
  id: number;
  /**
   * Latent purchase rate per day and dropout probability. Other kinds than btyd: lambda is
   * the average purchase rate per day while active, p is 0 (they stop at `stopsAt` instead).
   */
  lambda: number;
  p: number;
  /** Latent mean order value (shop minor units) = p_s/ν. */
  meanSpendMinor: number;
  /** Still alive at asOf. */
  alive: boolean;
  /** Counted orders (not test, not cancelled) in [asOf, asOf + horizon). */
  purchasesNextHorizon: number;
  /** Counted orders before asOf (as stored in the shop). */
  countedOrdersBeforeAsOf: number;
  /** Other kinds only: when the customer stopped buying for good; null if not before asOf + horizon. */
  stopsAt?: string | null;
  /** Replenishment only: the customer's own cycle, days between orders (before jitter). */
  cycleDays?: number;
  /** Planted traits only: a discount seeker (seekerDiscountShare of the orders discounted, else otherDiscountShare). */
  discountSeeker?: boolean;
  /** Planted traits only: the category specialist's product type, null for everyone else. */
  specialistType?: string | null;
}

export interface GroundTruth {
  domain: string;
  seed: string;
  asOf: string;
  horizonDays: number;
  params: BtydParams;
  /** Other kinds only (absent for btyd stores): the kind, its parameters and the shop's calendar. */
  behaviour?: Exclude<StoreBehaviour, "btyd">;
  behaviourParams?: BehaviourParams;
  /** Seasonal: the peak windows; discount_bursts: the sale events (both to asOf + horizon). */
  events?: BehaviourEvent[];
  /** With planted traits only: their knobs. */
  plantedTraits?: PlantedTraitParams;
  /** Only customers with at least one order (from the BTYD process). */
  customers: GroundTruthCustomer[];
  summary: {
    customers: number;
    buyers: number;
    customersWithoutOrders: number;
    orders: number;
    guestOrders: number;
    testOrders: number;
    cancelledOrders: number;
    refundedOrders: number;
    aliveAtAsOf: number;
    futureCountedOrders: number;
  };
}

const truthByShop = new WeakMap<SimShop, GroundTruth>();
/** Ground truth of a generated shop (undefined for shops not made by the generator). */
export function truthFor(shop: SimShop): GroundTruth | undefined {
  return truthByShop.get(shop);
}
export function setTruth(shop: SimShop, truth: GroundTruth): void {
  truthByShop.set(shop, truth);
}

// Shared immutable empties: most orders have no discount codes or refunds.
// Mutators must replace these arrays, never push into them.
export const EMPTY_STRINGS: string[] = Object.freeze([]) as unknown as string[];
export const EMPTY_REFUNDS: SimRefund[] = Object.freeze([]) as unknown as SimRefund[];

export const DEFAULT_SCOPES = ["read_customers", "write_customers", "read_orders", "read_all_orders", "read_products"];

function toMs(v: Date | string | number | undefined): number {
  if (v === undefined) return Math.floor(Date.now() / 1000) * 1000;
  if (v instanceof Date) return v.getTime();
  if (typeof v === "number") return v;
  return new Date(v).getTime();
}

export function emptyShop(opts: {
  domain: string;
  name?: string;
  currency?: string;
  plan?: Plan;
  grantedScopes?: string[];
}): SimShop {
  return {
    domain: opts.domain,
    name: opts.name ?? opts.domain.replace(/\.myshopify\.com$/, ""),
    currency: opts.currency ?? "USD",
    plan: opts.plan ?? "standard",
    grantedScopes: opts.grantedScopes ? [...opts.grantedScopes] : [...DEFAULT_SCOPES],
    customers: new Map(),
    orders: new Map(),
    id: 60_000_000_000 + (hashString(opts.domain) % 1_000_000_000),
    uninstalledAt: null,
  };
}

// ---------------------------------------------------------- generation ----
// generateStore runs the phases below in order, all drawing from one rng:
// the order of draws is what makes a seed reproduce a store byte for byte,
// so a phase must not change how many numbers it draws, or when.

/** Options with their defaults applied, and the time window they span. */
export interface Settings {
  domain: string;
  seed: string;
  asOfMs: number;
  startMs: number;
  spanMs: number;
  horizonDays: number;
  horizonEndMs: number;
  currency: string;
  params: BtydParams;
  behaviour: StoreBehaviour;
  behaviourParams: Partial<BehaviourParams>;
  nCustomers: number;
  noOrderShare: number;
  guestShare: number;
  testShare: number;
  cancelShare: number;
  refundShare: number;
  fullRefundShare: number;
  discountShare: number;
  foreignShare: number;
  maxOrders: number;
  plantedTraits: PlantedTraitParams | null;
}

function settingsOf(opts: GenerateStoreOptions): Settings {
  const years = opts.years ?? 2;
  const asOfMs = Math.floor(toMs(opts.asOf) / 1000) * 1000;
  if (!Number.isFinite(asOfMs)) throw new Error("generateStore: invalid asOf");
  const horizonDays = opts.horizonDays ?? 90;
  const startMs = asOfMs - Math.round(years * 365 * DAY_MS);
  return {
    domain: opts.domain,
    seed: String(opts.seed),
    asOfMs,
    startMs,
    spanMs: asOfMs - startMs,
    horizonDays,
    horizonEndMs: asOfMs + horizonDays * DAY_MS,
    currency: opts.currency ?? "USD",
    params: { ...DEFAULT_PARAMS, ...(opts.params ?? {}) },
    behaviour: opts.behaviour ?? "btyd",
    behaviourParams: opts.behaviourParams ?? {},
    nCustomers: Math.max(0, Math.floor(opts.customers)),
    noOrderShare: opts.noOrderCustomerShare ?? 0.08,
    guestShare: opts.guestOrderShare ?? 0.05,
    testShare: opts.testOrderShare ?? 0.005,
    cancelShare: opts.cancelShare ?? 0.02,
    refundShare: opts.refundShare ?? 0.06,
    fullRefundShare: opts.fullRefundShare ?? 0.4,
    discountShare: opts.discountShare ?? 0.15,
    foreignShare: opts.foreignCurrencyShare ?? 0.1,
    maxOrders: opts.maxOrdersPerCustomer ?? 500,
    plantedTraits: opts.plantedTraits ? { ...DEFAULT_PLANTED_TRAITS, ...(opts.plantedTraits === true ? {} : opts.plantedTraits) } : null,
  };
}

/**
 * Indices 0..n-1 sorted by time (second precision), ties by index. One native numeric sort of
 * (seconds since the earliest) · 2^bits + index, which is exact while it stays below 2^53
 * (5M orders over about 30 years); beyond that a comparator sort, same order.
 */
function sortedByTime(timesMs: Float64Array, n: number): Uint32Array {
  const out = new Uint32Array(n);
  if (n === 0) return out;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const sec = Math.floor(timesMs[i] / 1000);
    if (sec < min) min = sec;
    if (sec > max) max = sec;
  }
  const pack = 2 ** Math.max(1, Math.ceil(Math.log2(n)));
  if ((max - min + 1) * pack > Number.MAX_SAFE_INTEGER) {
    for (let i = 0; i < n; i++) out[i] = i;
    const sec = (i: number) => Math.floor(timesMs[i] / 1000);
    return out.sort((a, b) => sec(a) - sec(b) || a - b);
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (Math.floor(timesMs[i] / 1000) - min) * pack + i;
  keys.sort();
  for (let i = 0; i < n; i++) out[i] = keys[i] % pack;
  return out;
}

/** Phase 1: every buyer's latent BTYD process and purchases; creation times of all customers. */
function simulateCustomers(s: Settings, rng: Rng): { customers: Customers; purchases: PurchaseColumns } {
  const { params, asOfMs, startMs, spanMs, nCustomers } = s;
  const nBuyers = Math.round(nCustomers * (1 - s.noOrderShare));
  const createdMs = new Float64Array(nCustomers);
  const lambdas = new Float64Array(nBuyers);
  const ps = new Float64Array(nBuyers);
  const meanSpendMinor = new Float64Array(nBuyers);
  const aliveAtAsOf = new Uint8Array(nBuyers);
  const futureOrders = new Int32Array(nBuyers);
  const countedBeforeAsOf = new Int32Array(nBuyers);
  const purchases = new PurchaseColumns(Math.ceil(nBuyers * 4 * (1 + s.guestShare + s.testShare)) + 16);

  let futureTotal = 0;
  let aliveTotal = 0;
  for (let i = 0; i < nBuyers; i++) {
    // Acquisition: uniform over the period, skewed slightly towards recent (growth).
    const u = rng();
    const t0 = startMs + Math.floor(Math.sqrt(u * 0.6 + 0.4 * u * u) * spanMs);
    const lambda = (sampleGamma(rng, params.r) / params.alpha) || 1e-9;
    const p = sampleBeta(rng, params.a, params.b);
    const nu = sampleGamma(rng, params.q) / params.gamma;
    lambdas[i] = lambda;
    ps[i] = p;
    meanSpendMinor[i] = Math.round((params.p / nu) * 100);
    // Account created just before the first checkout; 10 % registered earlier.
    createdMs[i] = rng() < 0.1 ? t0 - Math.floor(rng() * 60 * DAY_MS) : t0 - Math.floor(rng() * 15 * 60_000);
    let t = t0;
    let alive = true;
    let deathAt = Infinity;
    let k = 0;
    for (;;) {
      const cancelled = rng() < s.cancelShare;
      const amount = drawOrderValue(rng, params, nu);
      if (t < asOfMs) {
        purchases.push(t, i, amount, cancelled ? FLAG_CANCELLED : 0);
        if (!cancelled) countedBeforeAsOf[i]++;
      } else if (!cancelled) {
        futureOrders[i]++;
      }
      k++;
      if (k > 1 && rng() < p) {
        alive = false;
        deathAt = t;
        break;
      }
      if (k >= s.maxOrders) break;
      t += Math.max(1000, Math.round(sampleExponential(rng, lambda) * DAY_MS));
      if (t >= s.horizonEndMs) break;
    }
    const aliveNow = alive || deathAt >= asOfMs;
    aliveAtAsOf[i] = aliveNow ? 1 : 0;
    if (aliveNow) aliveTotal++;
    futureTotal += futureOrders[i];
  }
  for (let i = nBuyers; i < nCustomers; i++) createdMs[i] = startMs + Math.floor(rng() * spanMs);
  return {
    customers: { nBuyers, createdMs, lambdas, ps, meanSpendMinor, aliveAtAsOf, futureOrders, countedBeforeAsOf, aliveTotal, futureTotal },
    purchases,
  };
}

/** Phase 2: guest checkouts and test orders (some by customers), added to the purchases. */
function addGuestAndTestOrders(s: Settings, rng: Rng, customers: Customers, purchases: PurchaseColumns): void {
  const { params, startMs, spanMs } = s;
  const buyerOrders = purchases.n;
  const nGuests = Math.round(buyerOrders * s.guestShare);
  for (let g = 0; g < nGuests; g++) {
    const t = startMs + Math.floor(rng() * spanMs);
    const nu = sampleGamma(rng, params.q) / params.gamma;
    purchases.push(t, -1, drawOrderValue(rng, params, nu), rng() < s.cancelShare ? FLAG_CANCELLED : 0);
  }
  const nTests = Math.round((buyerOrders + nGuests) * s.testShare);
  const nBuyers = customers.nBuyers;
  for (let g = 0; g < nTests; g++) {
    const t = startMs + Math.floor(rng() * spanMs);
    const cust = nBuyers > 0 && rng() < 0.6 ? Math.floor(rng() * nBuyers) : -1;
    // A test order by a customer must not predate the customer.
    const tt = cust >= 0 ? Math.max(t, customers.createdMs[cust] + 60_000) : t;
    if (tt >= s.asOfMs) continue;
    purchases.push(tt, cust, 100 * (1 + Math.floor(rng() * 100)), FLAG_TEST);
  }
}

/** Phase 3: customer ids in creation order. `order[rank]` is a customer index, `ids[index]` its id. */
function customerIdsByCreation(createdMs: Float64Array, slot: number): { order: Uint32Array; ids: Float64Array } {
  const n = createdMs.length;
  const order = sortedByTime(createdMs, n);
  const ids = new Float64Array(n);
  for (let r = 0; r < n; r++) ids[order[r]] = ID_BASES.customer + slot + r + 1;
  return { order, ids };
}

/** A time after creation, strictly before asOf (second precision). */
function laterThan(createdMs: number, asOfMs: number, delayMs: number): number {
  const room = asOfMs - 1000 - createdMs;
  const d = Math.max(0, Math.min(delayMs, Math.floor(room / 2)));
  return createdMs + Math.floor(d / 1000) * 1000;
}

function makeRefund(
  id: number,
  currency: string,
  presentment: string,
  atMs: number,
  amount: number,
  lines?: SimLineItem[],
): SimRefund {
  const r: SimRefund = {
    id,
    createdAt: isoSeconds(atMs),
    shopMinor: amount,
    presentmentMinor: convertMinor(amount, currency, presentment),
  };
  if (lines && lines.length)
    r.lineItems = lines.map((li) => ({ lineItemId: li.id, quantity: li.quantity, shopMinor: li.shopMinor }));
  return r;
}

/**
 * Line items summing exactly to the order total, discounts allocated per line. A specialist's
 * line (specialistType set) is of that type with probability `specialistLineShare`, by one
 * more draw after the usual pick (untyped lines stay untyped).
 */
function drawLineItems(
  rng: Rng,
  total: number,
  discountTotal: number,
  nextLineId: () => number,
  specialistType: string | null = null,
  specialistLineShare = 0,
): SimLineItem[] {
  const nLines = total < 300 ? 1 : 1 + (rng() < 0.35 ? 1 : 0) + (rng() < 0.12 ? 1 : 0);
  const lineItems: SimLineItem[] = new Array(nLines);
  let rest = total;
  let discRest = discountTotal;
  for (let l = 0; l < nLines; l++) {
    let prod = rng() < 0.02 ? null : pickProduct(rng);
    if (prod && specialistType !== null && rng() < specialistLineShare) prod = pickProductOfType(rng, specialistType);
    const last = l === nLines - 1;
    let quantity = 1;
    let minor: number;
    if (last) {
      minor = rest;
    } else {
      const share = Math.floor(rest * (0.25 + rng() * 0.5));
      quantity = discountTotal > 0 ? 1 : rng() < 0.25 ? 2 : 1;
      minor = Math.floor(share / quantity) * quantity;
    }
    rest -= minor;
    const li: SimLineItem = {
      id: nextLineId(),
      productId: prod ? prod.id : null,
      productType: prod ? prod.productType : null,
      quantity,
      shopMinor: minor,
    };
    if (discountTotal > 0) {
      const d = last ? discRest : Math.floor((discountTotal * minor) / total);
      discRest -= d;
      li.discountMinor = d;
    }
    lineItems[l] = li;
  }
  return lineItems;
}

interface OrderCounts {
  guestOrders: number;
  testOrders: number;
  cancelledOrders: number;
  refundedOrders: number;
}

/**
 * Phase 4: the purchases as orders in time order (names #1001…), with
 * currencies, discounts, line items, cancellations and refunds. Returns each
 * customer's last activity (for updatedAt) and the noise counts.
 */
function addOrders(
  s: Settings,
  rng: Rng,
  shop: SimShop,
  slot: number,
  purchases: PurchaseColumns,
  customerIds: Float64Array,
  planted: PlantedTraits | null,
): { lastActivityMs: Float64Array; counts: OrderCounts } {
  const { currency, asOfMs } = s;
  const n = purchases.n;
  const byTime = sortedByTime(purchases.time, n);
  const lastActivityMs = new Float64Array(customerIds.length);
  const foreignCurrencies = Object.keys(FX_PER_USD).filter((c) => c !== currency);
  let lineSeq = ID_BASES.lineItem + slot;
  let refundSeq = ID_BASES.refund + slot;
  const nextLineId = () => ++lineSeq;
  const counts: OrderCounts = { guestOrders: 0, testOrders: 0, cancelledOrders: 0, refundedOrders: 0 };

  for (let k = 0; k < n; k++) {
    const e = byTime[k];
    const createdMs = purchases.time[e];
    const ci = purchases.cust[e];
    const total = purchases.amount[e];
    const flags = purchases.flags[e];
    const id = ID_BASES.order + slot + k + 1;
    const created = isoSeconds(createdMs);
    let updatedMs = createdMs;

    const presentment =
      s.foreignShare > 0 && rng() < s.foreignShare ? foreignCurrencies[Math.floor(rng() * foreignCurrencies.length)] : currency;

    let discountCodes = EMPTY_STRINGS;
    let discountTotal = 0;
    // Orders bought in a sale event always carry a code; the draw happens for every order.
    // With planted traits the chance is the customer's (guests: everyone else's).
    const discountShare = planted
      ? ci >= 0 && planted.seeker[ci] === 1
        ? planted.params.seekerDiscountShare
        : planted.params.otherDiscountShare
      : s.discountShare;
    if (rng() < discountShare || (flags & FLAG_SALE) !== 0) {
      const dc = DISCOUNT_CODES[Math.floor(rng() * DISCOUNT_CODES.length)];
      const gross = Math.round((total * 100) / (100 - dc.percent));
      discountTotal = gross - total;
      discountCodes = [dc.code];
    }

    const lineItems = planted
      ? drawLineItems(rng, total, discountTotal, nextLineId, ci >= 0 ? planted.specialistType[ci] : null, planted.params.specialistLineShare)
      : drawLineItems(rng, total, discountTotal, nextLineId);
    const nLines = lineItems.length;

    let cancelledAt: string | null = null;
    let cancelReason: string | null = null;
    let refunds = EMPTY_REFUNDS;
    const test = (flags & FLAG_TEST) !== 0;
    if (flags & FLAG_CANCELLED) {
      const at = laterThan(createdMs, asOfMs, 600_000 + Math.floor(rng() * 3 * DAY_MS));
      cancelledAt = isoSeconds(at);
      cancelReason = CANCEL_REASONS[Math.floor(rng() * CANCEL_REASONS.length)];
      updatedMs = Math.max(updatedMs, at);
      counts.cancelledOrders++;
      if (rng() < 0.5) {
        refunds = [makeRefund(++refundSeq, currency, presentment, at, total, lineItems)];
        counts.refundedOrders++;
      }
    } else if (rng() < s.refundShare) {
      const at = laterThan(createdMs, asOfMs, 3_600_000 + Math.floor(rng() * 30 * DAY_MS));
      updatedMs = Math.max(updatedMs, at);
      counts.refundedOrders++;
      if (rng() < s.fullRefundShare) {
        refunds = [makeRefund(++refundSeq, currency, presentment, at, total, lineItems)];
      } else if (nLines >= 2) {
        const li = lineItems[Math.floor(rng() * (nLines - 1))];
        refunds = [makeRefund(++refundSeq, currency, presentment, at, li.shopMinor, [li])];
      } else {
        const amount = Math.max(1, Math.round(total * (0.1 + rng() * 0.5)));
        refunds = [makeRefund(++refundSeq, currency, presentment, at, amount)];
      }
    }

    const customerId = ci >= 0 ? customerIds[ci] : null;
    if (ci < 0) counts.guestOrders++;
    if (test) counts.testOrders++;
    if (ci >= 0 && updatedMs > lastActivityMs[ci]) lastActivityMs[ci] = updatedMs;

    const order: SimOrder = {
      id,
      name: `#${1001 + k}`,
      customerId,
      createdAt: created,
      processedAt: created,
      updatedAt: updatedMs === createdMs ? created : isoSeconds(updatedMs),
      cancelledAt,
      cancelReason,
      test,
      shopCurrency: currency,
      presentmentCurrency: presentment,
      totalShopMinor: total,
      totalPresentmentMinor: convertMinor(total, currency, presentment),
      discountCodes,
      lineItems,
      refunds,
    };
    shop.orders.set(id, order);
  }
  return { lastActivityMs, counts };
}

/** Phase 5: the customer objects, in id order; updatedAt is their last order activity. */
function addCustomers(shop: SimShop, customers: Customers, ids: { order: Uint32Array; ids: Float64Array }, lastActivityMs: Float64Array): void {
  for (let r = 0; r < ids.order.length; r++) {
    const i = ids.order[r];
    const createdMs = Math.floor(customers.createdMs[i] / 1000) * 1000;
    const created = isoSeconds(createdMs);
    const upd = lastActivityMs[i] > createdMs ? isoSeconds(lastActivityMs[i]) : created;
    const c: SimCustomer = { id: ids.ids[i], createdAt: created, updatedAt: upd, tags: [], metafields: [] };
    shop.customers.set(c.id, c);
  }
}

/** Phase 6: the ground truth, buyers only, in id order (creation rank). */
function groundTruthOf(
  s: Settings,
  customers: Customers,
  ids: { order: Uint32Array; ids: Float64Array },
  orders: number,
  counts: OrderCounts,
  kind: { params: BehaviourParams; events: BehaviourEvent[] } | null,
  planted: PlantedTraits | null,
): GroundTruth {
  const truthCustomers: GroundTruthCustomer[] = [];
  const { stopsAtMs, cycleDays } = customers;
  for (let r = 0; r < ids.order.length; r++) {
    const i = ids.order[r];
    if (i >= customers.nBuyers) continue;
    const c: GroundTruthCustomer = {
      id: ids.ids[i],
      lambda: customers.lambdas[i],
      p: customers.ps[i],
      meanSpendMinor: customers.meanSpendMinor[i],
      alive: customers.aliveAtAsOf[i] === 1,
      purchasesNextHorizon: customers.futureOrders[i],
      countedOrdersBeforeAsOf: customers.countedBeforeAsOf[i],
    };
    if (stopsAtMs) c.stopsAt = stopsAtMs[i] < s.horizonEndMs ? isoSeconds(stopsAtMs[i]) : null;
    if (cycleDays) c.cycleDays = cycleDays[i];
    if (planted) {
      c.discountSeeker = planted.seeker[i] === 1;
      c.specialistType = planted.specialistType[i];
    }
    truthCustomers.push(c);
  }
  return {
    domain: s.domain,
    seed: s.seed,
    asOf: isoSeconds(s.asOfMs),
    horizonDays: s.horizonDays,
    params: s.params,
    ...(kind && s.behaviour !== "btyd" ? { behaviour: s.behaviour, behaviourParams: kind.params, events: kind.events } : {}),
    ...(planted ? { plantedTraits: planted.params } : {}),
    customers: truthCustomers,
    summary: {
      customers: s.nCustomers,
      buyers: customers.nBuyers,
      customersWithoutOrders: s.nCustomers - customers.nBuyers,
      orders,
      guestOrders: counts.guestOrders,
      testOrders: counts.testOrders,
      cancelledOrders: counts.cancelledOrders,
      refundedOrders: counts.refundedOrders,
      aliveAtAsOf: customers.aliveTotal,
      futureCountedOrders: customers.futureTotal,
    },
  };
}

/** Generate a store and its ground truth. Same options → byte-identical output. */
export function generateStore(opts: GenerateStoreOptions): { shop: SimShop; truth: GroundTruth } {
  const s = settingsOf(opts);
  const rng = createRng(`${s.seed}|${opts.domain}`);
  const shop = emptyShop({
    domain: opts.domain,
    name: opts.name,
    currency: s.currency,
    plan: opts.plan,
    grantedScopes: opts.grantedScopes,
  });
  const slot = shopIdSlot(opts.domain);
  // Personal data is derived per customer from its own stream (personal-data.ts): nothing here draws.
  if (opts.personalData) shop.personalData = { seed: s.seed };

  let kind: { params: BehaviourParams; events: BehaviourEvent[] } | null = null;
  let customers: Customers;
  let purchases: PurchaseColumns;
  if (s.behaviour === "btyd") ({ customers, purchases } = simulateCustomers(s, rng));
  else {
    const sim = simulateBehaviour(s, rng);
    ({ customers, purchases } = sim);
    kind = { params: sim.params, events: sim.events };
  }
  addGuestAndTestOrders(s, rng, customers, purchases);
  const ids = customerIdsByCreation(customers.createdMs, slot);
  // Planted traits draw from their own stream: the purchases above are the same with or without them.
  const planted = s.plantedTraits ? plantTraits(s.plantedTraits, customers.nBuyers, createRng(`${s.seed}|${opts.domain}|traits`)) : null;
  const { lastActivityMs, counts } = addOrders(s, rng, shop, slot, purchases, ids.ids, planted);
  addCustomers(shop, customers, ids, lastActivityMs);
  const truth = groundTruthOf(s, customers, ids, purchases.n, counts, kind, planted);
  setTruth(shop, truth);
  return { shop, truth };
}

// ------------------------------------------------------------- summaries ----

export interface OrderNet {
  counted: boolean;
  netShopMinor: number;
}

/** Counted orders (docs/scoring.md): not test, not cancelled; amount = shop money net of refunds. */
export function orderNet(o: SimOrder): OrderNet {
  let refunded = 0;
  for (const r of o.refunds) refunded += r.shopMinor;
  return { counted: !o.test && !o.cancelledAt, netShopMinor: o.totalShopMinor - refunded };
}

export interface CustomerStats {
  customerId: number;
  countedOrders: number;
  netMinor: number;
}

/** Per-customer counted order count and net total (minor units), guests excluded. */
export function customerStats(shop: SimShop, beforeMs = Infinity): Map<number, CustomerStats> {
  const out = new Map<number, CustomerStats>();
  for (const o of shop.orders.values()) {
    if (o.customerId === null || o.test || o.cancelledAt) continue;
    if (beforeMs !== Infinity && Date.parse(o.processedAt) >= beforeMs) continue;
    let s = out.get(o.customerId);
    if (!s) out.set(o.customerId, (s = { customerId: o.customerId, countedOrders: 0, netMinor: 0 }));
    s.countedOrders++;
    s.netMinor += orderNet(o).netShopMinor;
  }
  return out;
}
