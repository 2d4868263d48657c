// Property tests of webhook payload parsing (parseWebhookPayload) and the payload → record
// mapping (orderFromPayload): whatever JSON arrives, parsing answers ok or the documented
// rejection; an accepted order's totals are the decimal strings' exact values in 1/100 units
// (the oracle works on the generated integer and on the string's digits, never on
// parseMoneyToMinor); personal data never survives parsing; ids are numbers or digit strings.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_FUTURE_SKEW_MS, PAYLOAD_SCHEMAS, parseWebhookPayload, type OrderPayload } from "./payloads";
import { lineItemSpendsFromPayload, orderFromPayload } from "./records";

const RECEIVED_AT = new Date("2026-11-30T12:00:00.000Z");
const RUNS = { numRuns: 300 };
const TOPICS = Object.keys(PAYLOAD_SCHEMAS);
/** Topics that name Object.prototype's members (a lookup by plain indexing would find a function). */
const OBJECT_KEYS = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];

/** The one shape a rejection takes (docs/bad-input.md). */
const REJECTION = /^(unsupported topic .*|\S+ payload invalid at \S+: .+)$/s;

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysOf(v, into);
    }
  }
  return into;
}

// ---- amounts: generated as an integer of 1/100 units, written the ways Shopify and people write decimals
const minorUnits = fc.bigInt({ min: 0n, max: 2n ** 53n - 1n });
const decimalOf = (minor: bigint, trailingZeros: number, leadingZeros: number, shortForm: boolean) => {
  const whole = (minor / 100n).toString();
  let frac = (minor % 100n).toString().padStart(2, "0");
  if (shortForm && frac.endsWith("0")) frac = frac.slice(0, frac === "00" ? 0 : 1);
  frac += "0".repeat(frac === "" ? 0 : trailingZeros);
  return "0".repeat(leadingZeros) + whole + (frac === "" ? "" : `.${frac}`);
};
const amount = fc
  .tuple(minorUnits, fc.nat(3), fc.nat(2), fc.boolean())
  .map(([minor, tz, lz, short]) => ({ minor, text: decimalOf(minor, tz, lz, short) }));

/** The value of a decimal string in 1/100 units by digit arithmetic, or null if it has a non-zero third decimal. */
function oracleMinor(text: string): bigint | null {
  const [whole, frac = ""] = text.replace(/^-/, "").split(".");
  if (/[1-9]/.test(frac.slice(2))) return null;
  const value = BigInt(whole) * 100n + BigInt(frac.slice(0, 2).padEnd(2, "0"));
  return text.startsWith("-") ? -value : value;
}

// ---- ids, times, currencies, personal data
const idValue = fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const isoAt = (ms: number, withOffset: boolean) => {
  const iso = new Date(ms).toISOString();
  if (!withOffset) return iso;
  // The same instant written with Shopify's shop-local offset, e.g. -05:00.
  const local = new Date(ms - 5 * 3600_000).toISOString().slice(0, 23);
  return `${local}-05:00`;
};
const pastInstant = fc.integer({ min: Date.UTC(2005, 0, 1), max: RECEIVED_AT.getTime() });
const timestamp = fc.tuple(pastInstant, fc.boolean()).map(([ms, offset]) => ({ ms, text: isoAt(ms, offset) }));
const currency = fc.constantFrom("USD", "EUR", "JPY", "GBP", "CAD", "KWD", "CHF");
const PERSONAL = ["email", "first_name", "last_name", "phone", "address1", "address2", "city", "zip", "name", "billing_address", "shipping_address", "default_address", "addresses", "contact_email", "browser_ip", "note"];
const PERSONAL_VALUES = ["ada.lovelace@example.com", "Ada", "Lovelace", "+44 20 7946 0958", "12 Analytical Row", "London", "N1"];
const personalValue = fc.constantFrom(...PERSONAL_VALUES);
const personalObject = fc.dictionary(fc.constantFrom(...PERSONAL), personalValue, { minKeys: 1 });
const moneySet = (a: { text: string }, cur: string) => ({ shop_money: { amount: a.text, currency_code: cur }, presentment_money: { amount: a.text, currency_code: cur } });

const orderCase = fc
  .record({
    id: idValue,
    customerId: fc.option(idValue, { nil: null }),
    created: timestamp,
    updated: timestamp,
    processed: fc.option(timestamp, { nil: undefined }),
    cur: currency,
    total: amount,
    current: fc.option(amount, { nil: undefined }),
    discounts: fc.option(amount, { nil: undefined }),
    lines: fc.array(fc.record({ productId: fc.option(idValue, { nil: null }), quantity: fc.nat(50), price: amount }), { maxLength: 4 }),
    pii: personalObject,
    customerPii: personalObject,
    linePii: personalObject,
  })
  .map((c) => ({
    case: c,
    payload: {
      ...c.pii,
      id: c.id,
      created_at: c.created.text,
      updated_at: c.updated.text,
      ...(c.processed ? { processed_at: c.processed.text } : {}),
      currency: c.cur,
      total_price_set: moneySet(c.total, c.cur),
      ...(c.current ? { current_total_price_set: moneySet(c.current, c.cur) } : {}),
      ...(c.discounts ? { total_discounts_set: moneySet(c.discounts, c.cur) } : {}),
      customer: c.customerId === null ? null : { ...c.customerPii, id: c.customerId, default_address: { address1: "12 Analytical Row" } },
      billing_address: { address1: "12 Analytical Row", city: "London", zip: "N1" },
      line_items: c.lines.map((l) => ({ ...c.linePii, product_id: l.productId, quantity: l.quantity, price_set: moneySet(l.price, c.cur) })),
    },
  }));

describe("parseWebhookPayload (property)", () => {
  it("never throws on any JSON value under any topic: ok, or the documented rejection", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...TOPICS), fc.constantFrom(...OBJECT_KEYS), fc.string()), fc.jsonValue(), (topic, payload) => {
        const parsed = parseWebhookPayload(topic, payload, RECEIVED_AT);
        if (!parsed.ok) expect(parsed.error).toMatch(REJECTION);
      }),
      RUNS,
    );
  });

  it("never throws on an order payload with any field replaced by any JSON value", () => {
    const paths = fc.constantFrom<(string | number)[]>(
      ["id"], ["created_at"], ["updated_at"], ["processed_at"], ["cancelled_at"], ["currency"], ["test"], ["refunds"], ["line_items"],
      ["total_price_set"], ["total_price_set", "shop_money"], ["total_price_set", "shop_money", "amount"], ["total_price_set", "shop_money", "currency_code"],
      ["customer"], ["customer", "id"], ["line_items", 0], ["line_items", 0, "quantity"], ["line_items", 0, "product_id"], ["discount_codes"],
    );
    fc.assert(
      fc.property(orderCase, paths, fc.jsonValue(), ({ payload }, path, value) => {
        const changed = structuredClone(payload) as Record<string | number, unknown>;
        let at: Record<string | number, unknown> = changed;
        for (let i = 0; i < path.length - 1; i++) {
          if (at[path[i]] === null || typeof at[path[i]] !== "object") at[path[i]] = typeof path[i + 1] === "number" ? [] : {};
          at = at[path[i]] as Record<string | number, unknown>;
        }
        at[path[path.length - 1]] = value;
        const parsed = parseWebhookPayload("orders/create", changed, RECEIVED_AT);
        if (!parsed.ok) expect(parsed.error).toMatch(REJECTION);
        else {
          // Whatever is accepted maps to a record without throwing, with real dates.
          const record = orderFromPayload(parsed.payload as OrderPayload);
          lineItemSpendsFromPayload(parsed.payload as OrderPayload);
          for (const date of [record.processedAt, record.updatedAt, record.cancelledAt]) if (date) expect(Number.isNaN(date.getTime())).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it("accepts every well-formed order and maps it to integer totals equal to the decimal strings", () => {
    fc.assert(
      fc.property(orderCase, fc.constantFrom("orders/create", "ORDERS_UPDATED", "orders/cancelled"), ({ case: c, payload }, topic) => {
        const parsed = parseWebhookPayload(topic, payload, RECEIVED_AT);
        expect(parsed.ok, parsed.ok ? "" : parsed.error).toBe(true);
        if (!parsed.ok) return;
        const record = orderFromPayload(parsed.payload as OrderPayload);
        expect(record.id).toBe(BigInt(c.id));
        expect(record.customerId).toBe(c.customerId === null ? null : BigInt(c.customerId));
        expect(record.totalMinor).toBe(c.total.minor);
        expect(record.totalMinor).toBe(oracleMinor(c.total.text));
        const refunded = c.current && c.current.minor < c.total.minor ? c.total.minor - c.current.minor : 0n;
        expect(record.refundedMinor).toBe(refunded);
        expect(record.discountMinor).toBe(c.discounts?.minor);
        expect(record.processedAt.getTime()).toBe((c.processed ?? c.created).ms);
        expect(record.updatedAt.getTime()).toBe(c.updated.ms);
        expect(record.currency).toBe(c.cur);
        const lines = lineItemSpendsFromPayload(parsed.payload as OrderPayload);
        expect(lines.map((l) => l.spendMinor)).toEqual(c.lines.map((l) => l.price.minor * BigInt(l.quantity)));
      }),
      RUNS,
    );
  });

  it("keeps no personal data: no name, email, phone or address key or value survives parsing", () => {
    fc.assert(
      fc.property(orderCase, ({ payload }) => {
        const parsed = parseWebhookPayload("orders/create", payload, RECEIVED_AT);
        expect(parsed.ok).toBe(true);
        const kept = keysOf(parsed.ok ? parsed.payload : null);
        for (const key of PERSONAL) expect(kept.has(key), key).toBe(false);
        const text = JSON.stringify(parsed.ok ? parsed.payload : null);
        for (const value of PERSONAL_VALUES) expect(text).not.toContain(JSON.stringify(value));
      }),
      RUNS,
    );
  });

  it("keeps no personal data from customer and compliance payloads either", () => {
    const customer = fc.tuple(idValue, personalObject).map(([id, pii]) => ({ ...pii, id, tags: "vip, no-profiling", addresses: [{ address1: "12 Analytical Row" }] }));
    fc.assert(
      fc.property(customer, fc.constantFrom("customers/create", "customers/update", "customers/delete"), (payload, topic) => {
        const parsed = parseWebhookPayload(topic, payload, RECEIVED_AT);
        expect(parsed.ok).toBe(true);
        const kept = keysOf(parsed.ok ? parsed.payload : null);
        expect([...kept].filter((k) => PERSONAL.includes(k))).toEqual([]);
      }),
      RUNS,
    );
    const redact = fc.tuple(idValue, personalObject).map(([id, pii]) => ({ shop_id: 1, shop_domain: "a.myshopify.com", customer: { ...pii, id }, orders_to_redact: [] }));
    fc.assert(
      fc.property(redact, (payload) => {
        const parsed = parseWebhookPayload("customers/redact", payload, RECEIVED_AT);
        expect(parsed.ok).toBe(true);
        expect([...keysOf(parsed.ok ? parsed.payload : null)].filter((k) => PERSONAL.includes(k))).toEqual([]);
      }),
      RUNS,
    );
  });

  it("accepts ids that are integers or digit strings, and nothing else", () => {
    const otherIds = fc.oneof(
      fc.string().filter((s) => !/^\d+$/.test(s)),
      fc.double().filter((n) => !Number.isInteger(n)),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.nat()),
      fc.dictionary(fc.string(), fc.nat()),
      fc.integer({ max: -1 }),
      fc.constantFrom(1e21, 2 ** 53, Number.MAX_VALUE, -0.5),
      fc.bigInt({ min: 2n ** 63n, max: 2n ** 80n }).map(String), // beyond PostgreSQL's bigint
    );
    fc.assert(
      fc.property(fc.oneof(idValue.map((v) => ({ v, good: true })), otherIds.map((v) => ({ v, good: false }))), ({ v, good }) => {
        const parsed = parseWebhookPayload("customers/delete", { id: v }, RECEIVED_AT);
        expect(parsed.ok).toBe(good);
        if (parsed.ok) expect(parsed.payload).toEqual({ id: String(v) });
        else expect(parsed.error).toMatch(/^customers\/delete payload invalid at id: /);
      }),
      RUNS,
    );
  });

  it("rejects negative totals, amounts it cannot store exactly, unknown currencies and far-future dates", () => {
    const badOrder = fc.tuple(orderCase, fc.oneof(
      amount.filter((a) => a.minor > 0n).map((a) => ({ path: "total_price_set", patch: { total_price_set: moneySet({ text: `-${a.text}` }, "USD") } })),
      fc.integer({ min: 1, max: 9 }).map((d) => ({ path: "total_price_set", patch: { total_price_set: moneySet({ text: `1.23${d}` }, "USD") } })),
      fc.constant({ path: "total_price_set", patch: { total_price_set: moneySet({ text: "90071992547409.92" }, "USD") } }),
      fc.constantFrom("usd", "ZZZ", "US", "DOLLARS", "").map((cur) => ({ path: "currency", patch: { currency: cur } })),
      fc.constantFrom("ZZZ", "us").map((cur) => ({ path: "total_price_set", patch: { total_price_set: moneySet({ text: "1.00" }, cur) } })),
      fc.integer({ min: MAX_FUTURE_SKEW_MS + 1, max: 1000 * 365 * 86_400_000 }).map((ahead) => ({
        path: "created_at",
        patch: { created_at: new Date(RECEIVED_AT.getTime() + ahead).toISOString() },
      })),
    ));
    fc.assert(
      fc.property(badOrder, ([{ payload }, { path, patch }]) => {
        const parsed = parseWebhookPayload("orders/create", { ...payload, ...patch }, RECEIVED_AT);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.error).toMatch(new RegExp(`^orders/create payload invalid at ${path}\\b`));
      }),
      RUNS,
    );
  });

  it("accepts zero totals, and times up to the allowed clock skew ahead of receipt", () => {
    fc.assert(
      fc.property(orderCase, fc.integer({ min: 0, max: MAX_FUTURE_SKEW_MS }), ({ payload }, ahead) => {
        const at = new Date(RECEIVED_AT.getTime() + ahead).toISOString();
        const zero = { ...payload, created_at: at, updated_at: at, total_price_set: moneySet({ text: "0.00" }, payload.currency) };
        const parsed = parseWebhookPayload("orders/create", zero, RECEIVED_AT);
        expect(parsed.ok, parsed.ok ? "" : parsed.error).toBe(true);
        if (parsed.ok) expect(orderFromPayload(parsed.payload as OrderPayload).totalMinor).toBe(0n);
      }),
      RUNS,
    );
  });

  it("maps any accepted decimal string to its exact value (string oracle)", () => {
    const decimalText = fc
      .tuple(fc.stringMatching(/^\d{1,16}$/), fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }))
      .map(([whole, frac]) => (frac === undefined ? whole : `${whole}.${frac}`));
    fc.assert(
      fc.property(orderCase, decimalText, ({ payload }, text) => {
        const parsed = parseWebhookPayload("orders/create", { ...payload, total_price_set: moneySet({ text }, payload.currency) }, RECEIVED_AT);
        const expected = oracleMinor(text);
        const storable = expected !== null && expected <= BigInt(Number.MAX_SAFE_INTEGER);
        expect(parsed.ok, `${text}: ${parsed.ok ? "" : parsed.error}`).toBe(storable);
        if (parsed.ok) expect(orderFromPayload(parsed.payload as OrderPayload).totalMinor).toBe(expected);
      }),
      RUNS,
    );
  });
});
