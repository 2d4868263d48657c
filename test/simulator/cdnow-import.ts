// Imports the CDNOW master file (Fader & Hardie's benchmark data set) as a
// simulated store: one order per row, dates shifted by whole days so that the
// last purchase date in the file falls on the as-of day (default today).
//
// File format: header `customer_id date number_of_cds dollar_value`,
// whitespace separated, date as YYYYMMDD.
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import type { Plan, SimCustomer, SimLineItem, SimOrder, SimShop } from "./model";
import { emptyShop, EMPTY_REFUNDS, EMPTY_STRINGS } from "./generator";
import { ID_BASES, shopIdSlot } from "./ids";
import { isoSeconds } from "./iso-time";
import { parseMinor } from "./money";

export const CDNOW_PATH = fileURLToPath(new URL("../fixtures/cdnow/CDNOW_master.txt", import.meta.url));
/** Product used for every CDNOW line item. */
export const CDNOW_PRODUCT = { id: 8061536829800, productType: "Music CD" };

export interface CdnowImportOptions {
  domain?: string;
  path?: string;
  /** The last purchase date in the file is mapped onto this UTC day (default: today). */
  asOf?: Date | string | number;
  plan?: Plan;
  grantedScopes?: string[];
  currency?: string;
}

export interface CdnowImportResult {
  shop: SimShop;
  rows: number;
  customers: number;
  /** Days added to every file date. */
  shiftDays: number;
  firstDate: string;
  lastDate: string;
}

const DAY_MS = 86_400_000;

function ymdToMs(s: string, line: number): number {
  if (!/^\d{8}$/.test(s)) throw new Error(`CDNOW line ${line}: bad date ${JSON.stringify(s)}`);
  return Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8)));
}

export function importCdnow(opts: CdnowImportOptions = {}): CdnowImportResult {
  const domain = opts.domain ?? "cdnow.myshopify.com";
  const text = readFileSync(opts.path ?? CDNOW_PATH, "utf8");
  const lines = text.split(/\r?\n/);
  interface Row {
    cust: number;
    dayMs: number;
    cds: number;
    minor: number;
  }
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (!t) continue;
    const f = t.split(/\s+/);
    if (i === 0 && /customer_id/i.test(t)) continue;
    if (f.length < 4) throw new Error(`CDNOW line ${i + 1}: expected 4 fields, got ${f.length}`);
    const cust = Number(f[0]);
    const cds = Number(f[2]);
    if (!Number.isInteger(cust) || !Number.isInteger(cds)) throw new Error(`CDNOW line ${i + 1}: bad customer id or count`);
    rows.push({ cust, dayMs: ymdToMs(f[1], i + 1), cds, minor: parseMinor(f[3]) });
  }
  let maxDay = -Infinity;
  let minDay = Infinity;
  for (const r of rows) {
    if (r.dayMs > maxDay) maxDay = r.dayMs;
    if (r.dayMs < minDay) minDay = r.dayMs;
  }
  const asOfMs = opts.asOf === undefined ? Date.now() : new Date(opts.asOf as string).getTime();
  const asOfDay = Math.floor(asOfMs / DAY_MS) * DAY_MS;
  const shiftDays = rows.length ? Math.round((asOfDay - maxDay) / DAY_MS) : 0;
  const shift = shiftDays * DAY_MS;

  const shop = emptyShop({
    domain,
    name: "CDNOW",
    currency: opts.currency ?? "USD",
    plan: opts.plan ?? "standard",
    grantedScopes: opts.grantedScopes,
  });
  const currency = shop.currency;
  const slot = shopIdSlot(domain);

  // Orders in date order (stable by row) so ids and names grow with time.
  const idx = rows.map((_, i) => i).sort((a, b) => rows[a].dayMs - rows[b].dayMs || a - b);
  const firstSeen = new Map<number, number>();
  const lastSeen = new Map<number, number>();
  for (const r of rows) {
    const f = firstSeen.get(r.cust);
    if (f === undefined || r.dayMs < f) firstSeen.set(r.cust, r.dayMs);
    const l = lastSeen.get(r.cust);
    if (l === undefined || r.dayMs > l) lastSeen.set(r.cust, r.dayMs);
  }
  // Customers in order of first purchase (then file id) for creation-ordered ids.
  const custKeys = [...firstSeen.keys()].sort((a, b) => firstSeen.get(a)! - firstSeen.get(b)! || a - b);
  const custIdOf = new Map<number, number>();
  custKeys.forEach((k, i) => {
    const id = ID_BASES.customer + slot + i + 1;
    custIdOf.set(k, id);
    // Created on the first purchase day, just before midnight purchases are stamped.
    const created = isoSeconds(firstSeen.get(k)! + shift);
    const c: SimCustomer = {
      id,
      createdAt: created,
      updatedAt: isoSeconds(lastSeen.get(k)! + shift),
      tags: [],
      metafields: [],
    };
    shop.customers.set(id, c);
  });

  let lineSeq = ID_BASES.lineItem + slot;
  const sameDay = new Map<string, number>();
  idx.forEach((ri, k) => {
    const r = rows[ri];
    // Same customer, same day: a second apart, so orders stay distinct and ordered.
    const key = `${r.cust}|${r.dayMs}`;
    const nth = sameDay.get(key) ?? 0;
    sameDay.set(key, nth + 1);
    const at = isoSeconds(r.dayMs + shift + nth * 1000);
    const id = ID_BASES.order + slot + k + 1;
    const lineItems: SimLineItem[] = [];
    const q = Math.max(1, r.cds);
    const unit = Math.floor(r.minor / q);
    if (unit * q === r.minor || q === 1) {
      lineItems.push({ id: ++lineSeq, productId: CDNOW_PRODUCT.id, productType: CDNOW_PRODUCT.productType, quantity: q, shopMinor: r.minor });
    } else {
      // Exact split: (q-1) units at the floor price, one unit with the remainder.
      lineItems.push({ id: ++lineSeq, productId: CDNOW_PRODUCT.id, productType: CDNOW_PRODUCT.productType, quantity: q - 1, shopMinor: unit * (q - 1) });
      lineItems.push({ id: ++lineSeq, productId: CDNOW_PRODUCT.id, productType: CDNOW_PRODUCT.productType, quantity: 1, shopMinor: r.minor - unit * (q - 1) });
    }
    const order: SimOrder = {
      id,
      name: `#${1001 + k}`,
      customerId: custIdOf.get(r.cust)!,
      createdAt: at,
      processedAt: at,
      updatedAt: at,
      cancelledAt: null,
      cancelReason: null,
      test: false,
      shopCurrency: currency,
      presentmentCurrency: currency,
      totalShopMinor: r.minor,
      totalPresentmentMinor: r.minor,
      discountCodes: EMPTY_STRINGS,
      lineItems,
      refunds: EMPTY_REFUNDS,
    };
    shop.orders.set(id, order);
  });

  return {
    shop,
    rows: rows.length,
    customers: custKeys.length,
    shiftDays,
    firstDate: isoSeconds(minDay + shift).slice(0, 10),
    lastDate: isoSeconds(maxDay + shift).slice(0, 10),
  };
}
