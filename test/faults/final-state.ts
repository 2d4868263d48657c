// The whole observable final state of one shop, as a canonical value without
// the shop's domain or database id, so a shop that ran under faults can be
// compared with its clean twin (the same store cloned under another domain,
// run in the same process and clock): what the app stored (per customer by
// Shopify id) and what Shopify holds (the simulator: tags, metafields,
// segments, Flow triggers). Also counts duplicated effects from the
// simulator's own logs (GET /_sim/customer-writes, GET /_sim/flow-triggers):
// a Flow trigger received more often than its row was delivered, a tag or
// metafield write that changed nothing (the same change sent again).
//
// Scores depend on the instant of the recompute (asOf = now), and the twins
// are scored seconds or minutes apart, so continuous figures are compared
// within a tolerance (TOLERANCE) and scored_at is left out; everything
// discrete (segment, r/f/m, traits, tags, transitions, counts) must be equal.
import pg from "pg";
import { SEGMENT_NAMES, type SegmentKey } from "../../app/domain/segment-map";

/** A segment key as the Flow payload names it (app/shopify/flow.server.ts: "" for none). */
const displayName = (key: string | null) => (key ? (SEGMENT_NAMES[key as SegmentKey] ?? key) : "");

export interface CustomerFinal {
  // database
  /** Scored segment, null when not scored (no counted order, opted out, redacted). */
  segment: string | null;
  rfm: string | null;
  churnProbability: number | null;
  predictedClv12m: number | null;
  expectedPurchases90d: number | null;
  churnModel: string | null;
  traits: string[];
  holdout: boolean | null;
  optedOut: boolean;
  deleted: boolean;
  /** What the app recorded as written to Shopify (Customer.appTags). */
  appTags: string[];
  /** "from→to" in the order they happened. */
  transitions: string[];
  /** Trait gains in the order they happened. */
  traitEvents: string[];
  orders: number;
  /** Counted orders' net (total − refunds), minor units. */
  netMinor: number;
  // simulator
  /** Shopify's counted orders and their net, to hold the database's against. */
  shopifyOrders: number;
  shopifyNetMinor: number;
  tags: string[];
  /** "namespace.key" → value (scored_at left out: it is the instant of the recompute). */
  metafields: Record<string, string>;
  /** Flow triggers received for the customer: "handle key" → count. */
  flowTriggers: Record<string, number>;
}

export interface DuplicatedEffects {
  /** Triggers received beyond the number of delivered rows with that key. */
  flowTriggers: number;
  /** Tag writes that changed nothing (every tag already present, or already absent). */
  tagWrites: number;
  /** Metafield writes that changed nothing (every value already in place, or already deleted). */
  metafieldWrites: number;
  /** The first few, readable. */
  examples: string[];
}

export interface FinalState {
  /** By Shopify customer id. */
  customers: Record<string, CustomerFinal>;
  /** The shop's native segments in Shopify: "name | query", sorted. */
  segments: string[];
  /** The app's record of them (ShopSegment): "key | name | query", sorted. */
  appSegments: string[];
  /** Flow rows of the app: status → count, transitions and trait events. */
  transitionFlow: Record<string, number>;
  traitEventFlow: Record<string, number>;
  /** Orders in Shopify, in the database, Shopify's orders the database lacks, and customers whose counted orders or net differ. */
  orders: { simulator: number; database: number; missing: number; customersOff: number };
  /** Webhook events stored for the shop: status → count. */
  webhookEvents: Record<string, number>;
  /** Flow triggers sent by the app whose row is not marked delivered, or delivered rows with no trigger received. */
  flowLost: number;
  duplicated: DuplicatedEffects;
}

/** Where a shop's state lives: a simulator (process or in-process server, by URL) and a database. */
export interface FinalStateSource {
  simUrl: string;
  shop: string;
  /** A pool or a connection string (a pool made from it is closed again). */
  db: pg.Pool | string;
}

// ------------------------------------------------------------- reading ----

async function simGet<T>(simUrl: string, path: string): Promise<T> {
  const r = await fetch(`${simUrl}${path}`, { signal: AbortSignal.timeout(120_000) });
  const text = await r.text();
  if (!r.ok) throw new Error(`GET ${path} → ${r.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

interface SimCustomerRow {
  id: number;
  deleted: boolean;
  tags: string[];
  metafields: { namespace: string; key: string; type: string; value: string }[];
}
interface SimWrite {
  customerId: number;
  kind: "tagsAdd" | "tagsRemove" | "metafieldsSet" | "metafieldsDelete";
  items: string[];
  redundant: string[];
}
interface SimFlowTrigger {
  handle: string;
  payload: Record<string, unknown>;
}
interface SimOrderStat {
  customerId: number;
  countedOrders: number;
  netMinor: number;
}

const TIME_DEPENDENT_METAFIELDS = new Set(["scored_at"]);

/** The key of a Flow trigger (what one delivered row is about), without the score fields that move with time. */
export function flowTriggerKey(t: SimFlowTrigger): string {
  const p = t.payload;
  if ("Trait" in p) return `${t.handle} ${String(p.Trait)}`;
  return `${t.handle} ${String(p["Previous segment"])}→${String(p["New segment"])}`;
}

const emptyCustomer = (): CustomerFinal => ({
  segment: null,
  rfm: null,
  churnProbability: null,
  predictedClv12m: null,
  expectedPurchases90d: null,
  churnModel: null,
  traits: [],
  holdout: null,
  optedOut: false,
  deleted: false,
  appTags: [],
  transitions: [],
  traitEvents: [],
  orders: 0,
  netMinor: 0,
  shopifyOrders: 0,
  shopifyNetMinor: 0,
  tags: [],
  metafields: {},
  flowTriggers: {},
});

/** Status → count, keys sorted (a canonical value: GROUP BY returns them in any order). */
const countBy = (rows: { k: string; n: string | number }[]) =>
  Object.fromEntries(rows.map((r) => [r.k, Number(r.n)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Reads everything observable about one shop; throws when the shop is not in the database. */
export async function readFinalState(src: FinalStateSource): Promise<FinalState> {
  const pool = typeof src.db === "string" ? new pg.Pool({ connectionString: src.db, max: 2 }) : src.db;
  try {
    return await read(pool, src);
  } finally {
    if (typeof src.db === "string") await pool.end();
  }
}

async function read(db: pg.Pool, src: FinalStateSource): Promise<FinalState> {
  const shopRow = await db.query<{ id: string }>(`SELECT id FROM "Shop" WHERE domain = $1`, [src.shop]);
  if (!shopRow.rows[0]) throw new Error(`shop ${src.shop} is not in the database`);
  const shopId = shopRow.rows[0].id;
  const enc = encodeURIComponent(src.shop);
  const [simCustomers, simSegments, simTriggers, simWrites, simStats] = await Promise.all([
    simGet<SimCustomerRow[]>(src.simUrl, `/_sim/shops/${enc}/customers`),
    simGet<{ name: string; query: string }[]>(src.simUrl, `/_sim/shops/${enc}/segments`),
    simGet<SimFlowTrigger[]>(src.simUrl, `/_sim/flow-triggers?shop=${enc}`),
    simGet<SimWrite[]>(src.simUrl, `/_sim/customer-writes?shop=${enc}`),
    simGet<{ orders: number; perCustomer: SimOrderStat[] }>(src.simUrl, `/_sim/shops/${enc}/stats?perCustomer=1`),
  ]);

  const customers = new Map<string, CustomerFinal>();
  const of = (id: string | number) => {
    const k = String(id);
    let c = customers.get(k);
    if (!c) customers.set(k, (c = emptyCustomer()));
    return c;
  };

  const dbCustomers = await db.query(
    `SELECT c.id::text AS id, c."deletedAt" IS NOT NULL AS deleted, COALESCE(c."optedOut", false) AS "optedOut", c."appTags",
            s.segment, s.r, s.f, s.m, s."churnProbability", s."predictedClv12m", s."expectedPurchases90d", s."churnModel", s.traits, s.holdout
       FROM "Customer" c LEFT JOIN "CustomerScore" s ON s."shopId" = c."shopId" AND s."customerId" = c.id
      WHERE c."shopId" = $1`,
    [shopId],
  );
  for (const r of dbCustomers.rows) {
    const c = of(r.id);
    c.deleted = r.deleted;
    c.optedOut = r.optedOut;
    c.appTags = [...r.appTags].sort();
    if (r.segment !== null) {
      c.segment = r.segment;
      c.rfm = `${r.r}${r.f}${r.m}`;
      c.churnProbability = Number(r.churnProbability);
      c.predictedClv12m = Number(r.predictedClv12m);
      c.expectedPurchases90d = Number(r.expectedPurchases90d);
      c.churnModel = r.churnModel;
      c.traits = [...r.traits].sort();
      c.holdout = r.holdout;
    }
  }
  const transitions = await db.query<{ customerId: string; fromSegment: string | null; toSegment: string }>(
    `SELECT "customerId"::text AS "customerId", "fromSegment", "toSegment" FROM "SegmentTransition" WHERE "shopId" = $1 ORDER BY id`,
    [shopId],
  );
  for (const t of transitions.rows) of(t.customerId).transitions.push(`${t.fromSegment ?? "∅"}→${t.toSegment}`);
  const traitEvents = await db.query<{ customerId: string; trait: string }>(
    `SELECT "customerId"::text AS "customerId", trait FROM "TraitEvent" WHERE "shopId" = $1 ORDER BY id`,
    [shopId],
  );
  for (const e of traitEvents.rows) of(e.customerId).traitEvents.push(e.trait);
  const orders = await db.query<{ customerId: string; n: string; net: string }>(
    `SELECT "customerId"::text AS "customerId", count(*) AS n, COALESCE(sum("totalMinor" - "refundedMinor"), 0)::text AS net
       FROM "Order" WHERE "shopId" = $1 AND "customerId" IS NOT NULL AND NOT test AND "cancelledAt" IS NULL GROUP BY "customerId"`,
    [shopId],
  );
  for (const o of orders.rows) Object.assign(of(o.customerId), { orders: Number(o.n), netMinor: Number(o.net) });

  for (const sc of simCustomers) {
    const c = of(sc.id);
    if (sc.deleted) c.deleted = true;
    c.tags = [...sc.tags].sort();
    for (const m of sc.metafields) {
      if (TIME_DEPENDENT_METAFIELDS.has(m.key)) continue;
      c.metafields[`${m.namespace}.${m.key}`] = m.value;
    }
  }

  // Flow: received per key, delivered rows per key; the difference either way.
  const received = new Map<string, number>();
  for (const t of simTriggers) {
    const id = String(t.payload.customer_id);
    const key = flowTriggerKey(t);
    const c = of(id);
    c.flowTriggers[key] = (c.flowTriggers[key] ?? 0) + 1;
    received.set(`${id} ${key}`, (received.get(`${id} ${key}`) ?? 0) + 1);
  }
  const delivered = new Map<string, number>();
  const sentTransitions = await db.query<{ customerId: string; fromSegment: string | null; toSegment: string }>(
    `SELECT "customerId"::text AS "customerId", "fromSegment", "toSegment" FROM "SegmentTransition" WHERE "shopId" = $1 AND "flowStatus" = 'sent'`,
    [shopId],
  );
  for (const t of sentTransitions.rows) {
    const k = `${t.customerId} customer-segment-changed ${displayName(t.fromSegment)}→${displayName(t.toSegment)}`;
    delivered.set(k, (delivered.get(k) ?? 0) + 1);
  }
  const sentTraits = await db.query<{ customerId: string; trait: string }>(
    `SELECT "customerId"::text AS "customerId", trait FROM "TraitEvent" WHERE "shopId" = $1 AND "flowStatus" = 'sent'`,
    [shopId],
  );
  for (const e of sentTraits.rows) {
    const k = `${e.customerId} customer-trait-gained ${e.trait}`;
    delivered.set(k, (delivered.get(k) ?? 0) + 1);
  }
  const duplicated: DuplicatedEffects = { flowTriggers: 0, tagWrites: 0, metafieldWrites: 0, examples: [] };
  let flowLost = 0;
  for (const [k, n] of received) {
    const d = delivered.get(k) ?? 0;
    if (n > d) {
      duplicated.flowTriggers += n - d;
      if (duplicated.examples.length < 10) duplicated.examples.push(`Flow trigger ${k}: received ${n}, delivered rows ${d}`);
    }
  }
  for (const [k, d] of delivered) if ((received.get(k) ?? 0) < d) flowLost += d - (received.get(k) ?? 0);
  for (const w of simWrites) {
    if (w.items.length === 0 || w.redundant.length < w.items.length) continue;
    if (w.kind === "tagsAdd" || w.kind === "tagsRemove") duplicated.tagWrites++;
    else duplicated.metafieldWrites++;
    if (duplicated.examples.length < 10) duplicated.examples.push(`customer ${w.customerId}: ${w.kind} ${w.items.join(", ")} changed nothing`);
  }

  const appSegments = await db.query<{ segmentKey: string; name: string; query: string }>(
    `SELECT "segmentKey", name, query FROM "ShopSegment" WHERE "shopId" = $1`,
    [shopId],
  );
  const flowCounts = (table: string) =>
    db.query<{ k: string; n: string }>(`SELECT "flowStatus" AS k, count(*) AS n FROM "${table}" WHERE "shopId" = $1 GROUP BY 1`, [shopId]).then((r) => countBy(r.rows));
  const webhookEvents = await db.query<{ k: string; n: string }>(`SELECT status AS k, count(*) AS n FROM "WebhookEvent" WHERE "shopDomain" = $1 GROUP BY 1`, [src.shop]);
  const dbOrderIds = await db.query<{ id: string }>(`SELECT id::text AS id FROM "Order" WHERE "shopId" = $1`, [shopId]);
  const have = new Set(dbOrderIds.rows.map((r) => r.id));
  // Every order of the store (guests', tests' and cancelled ones too) is stored; the
  // per-customer comparison below tells which customer's orders are off.
  const missing = Math.max(0, simStats.orders - have.size);

  // Shopify's counted orders per customer must equal the database's (an order lost or doubled shows here).
  let customersOrdersOff = 0;
  for (const s of simStats.perCustomer) {
    const c = of(s.customerId);
    c.shopifyOrders = s.countedOrders;
    c.shopifyNetMinor = s.netMinor;
  }
  for (const c of customers.values()) if (c.orders !== c.shopifyOrders || c.netMinor !== c.shopifyNetMinor) customersOrdersOff++;

  const sorted = Object.fromEntries([...customers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    customers: sorted,
    segments: simSegments.map((s) => `${s.name} | ${s.query}`).sort(),
    appSegments: appSegments.rows.map((s) => `${s.segmentKey} | ${s.name} | ${s.query}`).sort(),
    transitionFlow: await flowCounts("SegmentTransition"),
    traitEventFlow: await flowCounts("TraitEvent"),
    orders: { simulator: simStats.orders, database: have.size, missing, customersOff: customersOrdersOff },
    webhookEvents: countBy(webhookEvents.rows),
    flowLost,
    duplicated,
  };
}

// ------------------------------------------------------------- diffing ----

/** How far continuous figures of twins scored at different instants may drift. */
export const TOLERANCE = {
  churnProbability: 0.01,
  expectedPurchases90d: 0.01,
  /** Relative, with an absolute floor of 0.5 currency units. */
  predictedClv12m: 0.01,
} as const;

const NUMERIC_METAFIELDS: Record<string, (a: number, b: number) => boolean> = {
  "$app:rfm.churn_probability": (a, b) => Math.abs(a - b) <= TOLERANCE.churnProbability,
  "$app:rfm.expected_purchases_90d": (a, b) => Math.abs(a - b) <= TOLERANCE.expectedPurchases90d,
  "$app:rfm.predicted_clv_12m": (a, b) => Math.abs(a - b) <= Math.max(0.5, TOLERANCE.predictedClv12m * Math.max(Math.abs(a), Math.abs(b))),
};

function close(field: keyof typeof TOLERANCE, a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  if (field === "predictedClv12m") return NUMERIC_METAFIELDS["$app:rfm.predicted_clv_12m"](a, b);
  return Math.abs(a - b) <= TOLERANCE[field];
}

const show = (v: unknown) => JSON.stringify(v);

/**
 * Every difference between the clean twin's state and the faulted one's, one readable line each
 * ("customer 7000…: tags clean [..] faulted [..]"); empty when they are equal (within TOLERANCE).
 */
export function diffFinalStates(clean: FinalState, faulted: FinalState, limit = 40): string[] {
  const out: string[] = [];
  const add = (line: string) => out.push(line);
  const ids = new Set([...Object.keys(clean.customers), ...Object.keys(faulted.customers)]);
  for (const id of [...ids].sort()) {
    const a = clean.customers[id];
    const b = faulted.customers[id];
    if (!a || !b) {
      add(`customer ${id}: only in the ${a ? "clean" : "faulted"} shop`);
      continue;
    }
    for (const f of ["churnProbability", "predictedClv12m", "expectedPurchases90d"] as const) {
      if (!close(f, a[f], b[f])) add(`customer ${id}: ${f} clean ${a[f]} faulted ${b[f]}`);
    }
    for (const f of ["segment", "rfm", "churnModel", "traits", "holdout", "optedOut", "deleted", "appTags", "transitions", "traitEvents", "orders", "netMinor", "shopifyOrders", "shopifyNetMinor", "tags", "flowTriggers"] as const) {
      if (show(a[f]) !== show(b[f])) add(`customer ${id}: ${f} clean ${show(a[f])} faulted ${show(b[f])}`);
    }
    const keys = new Set([...Object.keys(a.metafields), ...Object.keys(b.metafields)]);
    for (const k of [...keys].sort()) {
      const x = a.metafields[k];
      const y = b.metafields[k];
      if (x === y) continue;
      const numeric = NUMERIC_METAFIELDS[k];
      if (numeric && x !== undefined && y !== undefined && numeric(Number(x), Number(y))) continue;
      add(`customer ${id}: metafield ${k} clean ${show(x ?? null)} faulted ${show(y ?? null)}`);
    }
  }
  for (const f of ["segments", "appSegments", "transitionFlow", "traitEventFlow"] as const) {
    if (show(clean[f]) !== show(faulted[f])) add(`${f}: clean ${show(clean[f])} faulted ${show(faulted[f])}`);
  }
  if (clean.orders.database !== faulted.orders.database || clean.orders.simulator !== faulted.orders.simulator)
    add(`orders: clean ${show(clean.orders)} faulted ${show(faulted.orders)}`);
  if (out.length > limit) return [...out.slice(0, limit), `… ${out.length - limit} more differences`];
  return out;
}

// --------------------------------------------------------------- report ----

export interface ScenarioFigures {
  sent: number;
  applied: number;
  lost: number;
  duplicated: number;
}

/** Lost and duplicated effects of a faulted shop's final state, with what was sent and applied as the scenario counts them. */
export function scenarioFigures(state: FinalState, counted: { sent: number; applied: number }): ScenarioFigures {
  const pendingEvents = (state.webhookEvents.pending ?? 0) + (state.webhookEvents.failed ?? 0);
  const d = state.duplicated;
  return {
    ...counted,
    // A stored event still pending is also one not applied: counted once.
    lost: state.orders.missing + state.orders.customersOff + state.flowLost + Math.max(pendingEvents, counted.sent - counted.applied),
    duplicated: d.flowTriggers + d.tagWrites + d.metafieldWrites,
  };
}

/** The per-scenario line the fault suite prints. */
export function scenarioLine(name: string, f: ScenarioFigures): string {
  return `scenario ${name}: events sent ${f.sent}, applied ${f.applied}, lost ${f.lost}, duplicated effects ${f.duplicated}`;
}
