// Seeded, deterministic generator of simulated Shopify stores.
//
// Customers follow a latent buy-till-you-die process exactly as BG/NBD
// assumes (Fader, Hardie & Lee 2005), in days:
//   - purchase rate  λ ~ Gamma(shape r, rate α), Poisson purchases while alive;
//   - dropout prob   p ~ Beta(a, b), drawn after every *repeat* purchase
//     (a one-time buyer is alive, as the model says);
//   - spend          ν ~ Gamma(q, rate γ), order value z ~ Gamma(p_s, rate ν)
//     (Gamma-Gamma; mean order value p_s·γ/(q−1)).
// The process is simulated past `asOf` for `horizonDays`, and those future
// orders are only counted into the ground truth, never stored.
//
// Noise a real store has: guest checkouts, test orders, cancellations (some
// refunded), partial and full refunds, discount codes, presentment currencies
// different from the shop currency, customers that never ordered.
//
// Money: integer minor units; line items sum exactly to the order total.
import type { Plan, SimCustomer, SimLineItem, SimOrder, SimRefund, SimShop } from "./model";

// ---------------------------------------------------------------- PRNG ----

/** sfc32 seeded through a string hash: fast, 32-bit, deterministic everywhere. */
export function createRng(seed: string | number): () => number {
  const s = String(seed);
  let h1 = 1779033703 ^ s.length,
    h2 = 3144134277 ^ s.length,
    h3 = 1013904242,
    h4 = 2773480762;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  let a = h1 >>> 0,
    b = h2 >>> 0,
    c = h3 >>> 0,
    d = h4 >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** 32-bit FNV-1a hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function normal(rng: () => number): number {
  // Box-Muller (one value; the partner is discarded for simplicity/determinism).
  let u = rng();
  while (u <= 1e-300) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Gamma(shape, scale 1) by Marsaglia-Tsang (with the shape<1 boost). */
export function sampleGamma(rng: () => number, shape: number): number {
  if (shape < 1) {
    let u = rng();
    while (u <= 1e-300) u = rng();
    return sampleGamma(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(rng: () => number, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}

function expDays(rng: () => number, rate: number): number {
  let u = rng();
  while (u <= 1e-300) u = rng();
  return -Math.log(u) / rate;
}

// ------------------------------------------------------- money / catalogue ----

/** Units of each currency per 1 USD (fixed rates; shop money is what counts). */
export const FX_PER_USD: Record<string, number> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CAD: 1.36,
  AUD: 1.52,
  CHF: 0.88,
  SEK: 10.6,
  DKK: 6.86,
};

/** Convert integer minor units between two 2-decimal currencies at the fixed rate. */
export function convertMinor(minor: number, from: string, to: string): number {
  if (from === to) return minor;
  const rf = FX_PER_USD[from] ?? 1;
  const rt = FX_PER_USD[to] ?? 1;
  return Math.round((minor * rt) / rf);
}

/** Minor units to Shopify's decimal string ("12.30"). Exact, no floating point. */
export function formatMinor(minor: number): string {
  const neg = minor < 0;
  const m = Math.abs(Math.trunc(minor));
  const s = `${Math.floor(m / 100)}.${String(m % 100).padStart(2, "0")}`;
  return neg ? `-${s}` : s;
}

/** Decimal string ("12.3", "12.30", "12") to minor units, exactly. */
export function parseMinor(amount: string): number {
  const m = /^\s*(-)?(\d+)(?:\.(\d{0,2})\d*)?\s*$/.exec(amount);
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const v = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -v : v;
}

export interface CatalogueProduct {
  id: number;
  title: string;
  productType: string;
  /** Relative popularity. */
  weight: number;
}

/** A small fixed catalogue; product ids are stable across shops. */
export const CATALOGUE: CatalogueProduct[] = [
  { id: 8061536829701, title: "Classic Tee", productType: "Apparel", weight: 14 },
  { id: 8061536829702, title: "Hoodie", productType: "Apparel", weight: 7 },
  { id: 8061536829703, title: "Running Shoes", productType: "Footwear", weight: 5 },
  { id: 8061536829704, title: "Sandals", productType: "Footwear", weight: 3 },
  { id: 8061536829705, title: "Canvas Tote", productType: "Accessories", weight: 6 },
  { id: 8061536829706, title: "Sunglasses", productType: "Accessories", weight: 4 },
  { id: 8061536829707, title: "Vitamin C Serum", productType: "Beauty", weight: 9 },
  { id: 8061536829708, title: "Face Cream", productType: "Beauty", weight: 6 },
  { id: 8061536829709, title: "Ground Coffee", productType: "Grocery", weight: 10 },
  { id: 8061536829710, title: "Green Tea", productType: "Grocery", weight: 5 },
  { id: 8061536829711, title: "Scented Candle", productType: "Home", weight: 5 },
  { id: 8061536829712, title: "Gift Card", productType: "Gift Cards", weight: 2 },
];
const CATALOGUE_CUM: number[] = (() => {
  let acc = 0;
  return CATALOGUE.map((p) => (acc += p.weight));
})();
function pickProduct(rng: () => number): CatalogueProduct {
  const x = rng() * CATALOGUE_CUM[CATALOGUE_CUM.length - 1];
  let i = 0;
  while (CATALOGUE_CUM[i] <= x) i++;
  return CATALOGUE[i];
}

export const DISCOUNT_CODES: { code: string; percent: number }[] = [
  { code: "WELCOME10", percent: 10 },
  { code: "SPRING15", percent: 15 },
  { code: "VIP20", percent: 20 },
  { code: "BFCM25", percent: 25 },
];
const CANCEL_REASONS = ["customer", "customer", "customer", "inventory", "fraud", "declined", "other"];

// ------------------------------------------------------------ ids / time ----

const DAY_MS = 86_400_000;
/** Id spaces: kind base + per-shop slot * 1e9 (+ sequence). All < 2^53. */
export const ID_BASES = {
  customer: 7_000_000_000_000,
  order: 5_000_000_000_000,
  lineItem: 14_000_000_000_000,
  refund: 900_000_000_000,
} as const;
const ID_SLOTS = 1000;
const ID_STRIDE = 1_000_000_000;

/** Per-shop id offset derived from the domain (stable across runs). */
export function shopIdSlot(domain: string): number {
  return (hashString(domain) % ID_SLOTS) * ID_STRIDE;
}

/** ISO-8601 UTC, second precision, as the Admin API prints it: 2026-11-22T10:00:00Z */
export function isoSeconds(ms: number): string {
  const sec = Math.floor(ms / 1000);
  const day = Math.floor(sec / 86400);
  if (day !== isoDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    if (iso.length !== 24) return new Date(sec * 1000).toISOString().slice(0, -5) + "Z"; // years outside 0000..9999
    isoPrefix = iso.slice(0, 11);
    isoDay = day;
  }
  // Two shared flat strings: one cheap rope node per timestamp.
  return isoPrefix + (HMS ??= buildHms())[sec - day * 86400];
}
let isoDay = NaN;
let isoPrefix = "";
let HMS: string[] | undefined;
function buildHms(): string[] {
  const two = (n: number) => (n < 10 ? "0" : "") + n;
  const out = new Array<string>(86400);
  for (let s = 0; s < 86400; s++) out[s] = `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}Z`;
  return out;
}

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
}

export interface GroundTruthCustomer {
  id: number;
  /** Latent purchase rate per day and dropout probability. */
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
}

export interface GroundTruth {
  domain: string;
  seed: string;
  asOf: string;
  horizonDays: number;
  params: BtydParams;
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

export const DEFAULT_SCOPES = ["read_customers", "write_customers", "read_orders", "read_all_orders"];

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

// Growable typed columns for purchase events.
class Columns {
  n = 0;
  time: Float64Array;
  cust: Int32Array;
  amount: Int32Array;
  flags: Uint8Array; // 1 = test, 2 = cancelled
  constructor(cap: number) {
    cap = Math.max(16, cap);
    this.time = new Float64Array(cap);
    this.cust = new Int32Array(cap);
    this.amount = new Int32Array(cap);
    this.flags = new Uint8Array(cap);
  }
  push(time: number, cust: number, amount: number, flags: number) {
    if (this.n === this.time.length) {
      const cap = this.n * 2;
      const t = new Float64Array(cap);
      t.set(this.time);
      this.time = t;
      const c = new Int32Array(cap);
      c.set(this.cust);
      this.cust = c;
      const a = new Int32Array(cap);
      a.set(this.amount);
      this.amount = a;
      const f = new Uint8Array(cap);
      f.set(this.flags);
      this.flags = f;
    }
    const i = this.n++;
    this.time[i] = Math.floor(time / 1000) * 1000;
    this.cust[i] = cust;
    this.amount[i] = amount;
    this.flags[i] = flags;
  }
}

const PACK = 4_194_304; // 2^22

/** Indices 0..n-1 sorted by time (second precision), ties by index; native numeric sort. */
function sortedByTime(timesMs: Float64Array, n: number): Uint32Array {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = Math.floor(timesMs[i] / 1000) * PACK + i;
  keys.sort();
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = keys[i] % PACK;
  return out;
}

/** A time after creation, strictly before asOf (second precision). */
function laterThan(createdMs: number, asOfMs: number, delayMs: number): number {
  const room = asOfMs - 1000 - createdMs;
  const d = Math.max(0, Math.min(delayMs, Math.floor(room / 2)));
  return createdMs + Math.floor(d / 1000) * 1000;
}

function mkRefund(
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

const FLAG_TEST = 1;
const FLAG_CANCELLED = 2;

/** Generate a store and its ground truth. Same options → byte-identical output. */
export function generateStore(opts: GenerateStoreOptions): { shop: SimShop; truth: GroundTruth } {
  const years = opts.years ?? 2;
  const asOfMs = Math.floor(toMs(opts.asOf) / 1000) * 1000;
  if (!Number.isFinite(asOfMs)) throw new Error("generateStore: invalid asOf");
  const currency = opts.currency ?? "USD";
  const params: BtydParams = { ...DEFAULT_PARAMS, ...(opts.params ?? {}) };
  const H = opts.horizonDays ?? 90;
  const noOrderShare = opts.noOrderCustomerShare ?? 0.08;
  const guestShare = opts.guestOrderShare ?? 0.05;
  const testShare = opts.testOrderShare ?? 0.005;
  const cancelShare = opts.cancelShare ?? 0.02;
  const refundShare = opts.refundShare ?? 0.06;
  const fullRefundShare = opts.fullRefundShare ?? 0.4;
  const discountShare = opts.discountShare ?? 0.15;
  const foreignShare = opts.foreignCurrencyShare ?? 0.1;
  const maxOrders = opts.maxOrdersPerCustomer ?? 500;
  const nCustomers = Math.max(0, Math.floor(opts.customers));
  const seed = String(opts.seed);
  const rng = createRng(`${seed}|${opts.domain}`);

  const startMs = asOfMs - Math.round(years * 365 * DAY_MS);
  const spanMs = asOfMs - startMs;
  const horizonEnd = asOfMs + H * DAY_MS;

  const shop = emptyShop({
    domain: opts.domain,
    name: opts.name,
    currency,
    plan: opts.plan,
    grantedScopes: opts.grantedScopes,
  });
  const slot = shopIdSlot(opts.domain);

  // ---- 1. customers and their latent process --------------------------------
  const nBuyers = Math.round(nCustomers * (1 - noOrderShare));
  const custCreated = new Float64Array(nCustomers);
  const lambdas = new Float64Array(nBuyers);
  const ps = new Float64Array(nBuyers);
  const meanSpend = new Float64Array(nBuyers);
  const aliveArr = new Uint8Array(nBuyers);
  const future = new Int32Array(nBuyers);
  const counted = new Int32Array(nBuyers);
  const ev = new Columns(Math.ceil(nBuyers * 4 * (1 + guestShare + testShare)) + 16);

  const orderValue = (nu: number): number => {
    const z = sampleGamma(rng, params.p) / nu; // currency units
    return Math.max(100, Math.round(z * 100));
  };

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
    meanSpend[i] = Math.round((params.p / nu) * 100);
    // Account created just before the first checkout; 10 % registered earlier.
    custCreated[i] =
      rng() < 0.1 ? t0 - Math.floor(rng() * 60 * DAY_MS) : t0 - Math.floor(rng() * 15 * 60_000);
    let t = t0;
    let alive = true;
    let deathAt = Infinity;
    let k = 0;
    for (;;) {
      const cancelled = rng() < cancelShare;
      const amount = orderValue(nu);
      if (t < asOfMs) {
        ev.push(t, i, amount, cancelled ? FLAG_CANCELLED : 0);
        if (!cancelled) counted[i]++;
      } else if (!cancelled) {
        future[i]++;
      }
      k++;
      if (k > 1 && rng() < p) {
        alive = false;
        deathAt = t;
        break;
      }
      if (k >= maxOrders) break;
      t += Math.max(1000, Math.round(expDays(rng, lambda) * DAY_MS));
      if (t >= horizonEnd) break;
    }
    const aliveAtAsOf = alive || deathAt >= asOfMs;
    aliveArr[i] = aliveAtAsOf ? 1 : 0;
    if (aliveAtAsOf) aliveTotal++;
    futureTotal += future[i];
  }
  for (let i = nBuyers; i < nCustomers; i++) custCreated[i] = startMs + Math.floor(rng() * spanMs);

  // ---- 2. guest and test orders ----------------------------------------------
  const buyerOrders = ev.n;
  const nGuests = Math.round(buyerOrders * guestShare);
  for (let g = 0; g < nGuests; g++) {
    const t = startMs + Math.floor(rng() * spanMs);
    const nu = sampleGamma(rng, params.q) / params.gamma;
    ev.push(t, -1, orderValue(nu), rng() < cancelShare ? FLAG_CANCELLED : 0);
  }
  const nTests = Math.round((buyerOrders + nGuests) * testShare);
  for (let g = 0; g < nTests; g++) {
    const t = startMs + Math.floor(rng() * spanMs);
    const cust = nBuyers > 0 && rng() < 0.6 ? Math.floor(rng() * nBuyers) : -1;
    // A test order by a customer must not predate the customer.
    const tt = cust >= 0 ? Math.max(t, custCreated[cust] + 60_000) : t;
    if (tt >= asOfMs) continue;
    ev.push(tt, cust, 100 * (1 + Math.floor(rng() * 100)), FLAG_TEST);
  }

  // ---- 3. customer ids in creation order ------------------------------------
  if (nCustomers >= PACK || ev.n >= PACK) throw new Error("generateStore: at most 4,194,303 customers/orders");
  const custOrder = sortedByTime(custCreated, nCustomers);
  const custIds = new Float64Array(nCustomers);
  for (let r = 0; r < nCustomers; r++) custIds[custOrder[r]] = ID_BASES.customer + slot + r + 1;

  // ---- 4. orders in time order ----------------------------------------------
  const n = ev.n;
  const evTime = ev.time;
  const idx = sortedByTime(evTime, n);

  const lastActivity = new Float64Array(nCustomers); // for customer.updatedAt
  const foreignCurrencies = Object.keys(FX_PER_USD).filter((c) => c !== currency);
  let lineSeq = ID_BASES.lineItem + slot;
  let refundSeq = ID_BASES.refund + slot;
  let guestOrders = 0,
    testOrders = 0,
    cancelledOrders = 0,
    refundedOrders = 0;

  for (let k = 0; k < n; k++) {
    const e = idx[k];
    const createdMs = evTime[e];
    const ci = ev.cust[e];
    const total = ev.amount[e];
    const flags = ev.flags[e];
    const id = ID_BASES.order + slot + k + 1;
    const created = isoSeconds(createdMs);
    let updatedMs = createdMs;

    const presentment = foreignShare > 0 && rng() < foreignShare
      ? foreignCurrencies[Math.floor(rng() * foreignCurrencies.length)]
      : currency;

    // Discount.
    let discountCodes = EMPTY_STRINGS;
    let discountTotal = 0;
    if (rng() < discountShare) {
      const dc = DISCOUNT_CODES[Math.floor(rng() * DISCOUNT_CODES.length)];
      const gross = Math.round((total * 100) / (100 - dc.percent));
      discountTotal = gross - total;
      discountCodes = [dc.code];
    }

    // Line items summing exactly to the total.
    const nLines = total < 300 ? 1 : 1 + (rng() < 0.35 ? 1 : 0) + (rng() < 0.12 ? 1 : 0);
    const lineItems: SimLineItem[] = new Array(nLines);
    let rest = total;
    let discRest = discountTotal;
    for (let l = 0; l < nLines; l++) {
      const prod = rng() < 0.02 ? null : pickProduct(rng);
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
        id: ++lineSeq,
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

    let cancelledAt: string | null = null;
    let cancelReason: string | null = null;
    let refunds = EMPTY_REFUNDS;
    const test = (flags & FLAG_TEST) !== 0;
    if (flags & FLAG_CANCELLED) {
      const at = laterThan(createdMs, asOfMs, 600_000 + Math.floor(rng() * 3 * DAY_MS));
      cancelledAt = isoSeconds(at);
      cancelReason = CANCEL_REASONS[Math.floor(rng() * CANCEL_REASONS.length)];
      updatedMs = Math.max(updatedMs, at);
      cancelledOrders++;
      if (rng() < 0.5) {
        refunds = [mkRefund(++refundSeq, currency, presentment, at, total, lineItems)];
        refundedOrders++;
      }
    } else if (rng() < refundShare) {
      const at = laterThan(createdMs, asOfMs, 3_600_000 + Math.floor(rng() * 30 * DAY_MS));
      updatedMs = Math.max(updatedMs, at);
      refundedOrders++;
      if (rng() < fullRefundShare) {
        refunds = [mkRefund(++refundSeq, currency, presentment, at, total, lineItems)];
      } else if (nLines >= 2) {
        const li = lineItems[Math.floor(rng() * (nLines - 1))];
        refunds = [mkRefund(++refundSeq, currency, presentment, at, li.shopMinor, [li])];
      } else {
        const amount = Math.max(1, Math.round(total * (0.1 + rng() * 0.5)));
        refunds = [mkRefund(++refundSeq, currency, presentment, at, amount)];
      }
    }

    const customerId = ci >= 0 ? custIds[ci] : null;
    if (ci < 0) guestOrders++;
    if (test) testOrders++;
    if (ci >= 0 && updatedMs > lastActivity[ci]) lastActivity[ci] = updatedMs;

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

  // ---- 5. customer objects --------------------------------------------------
  for (let r = 0; r < nCustomers; r++) {
    const i = custOrder[r];
    const createdMs = Math.floor(custCreated[i] / 1000) * 1000;
    const created = isoSeconds(createdMs);
    const upd = lastActivity[i] > createdMs ? isoSeconds(lastActivity[i]) : created;
    const c: SimCustomer = { id: custIds[i], createdAt: created, updatedAt: upd, tags: [], metafields: [] };
    shop.customers.set(c.id, c);
  }

  // ---- 6. ground truth ------------------------------------------------------
  // In id order (creation rank), buyers only.
  const truthCustomers: GroundTruthCustomer[] = [];
  for (let r = 0; r < nCustomers; r++) {
    const i = custOrder[r];
    if (i >= nBuyers) continue;
    truthCustomers.push({
      id: custIds[i],
      lambda: lambdas[i],
      p: ps[i],
      meanSpendMinor: meanSpend[i],
      alive: aliveArr[i] === 1,
      purchasesNextHorizon: future[i],
      countedOrdersBeforeAsOf: counted[i],
    });
  }
  const truth: GroundTruth = {
    domain: opts.domain,
    seed,
    asOf: isoSeconds(asOfMs),
    horizonDays: H,
    params,
    customers: truthCustomers,
    summary: {
      customers: nCustomers,
      buyers: nBuyers,
      customersWithoutOrders: nCustomers - nBuyers,
      orders: n,
      guestOrders,
      testOrders,
      cancelledOrders,
      refundedOrders,
      aliveAtAsOf: aliveTotal,
      futureCountedOrders: futureTotal,
    },
  };
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
