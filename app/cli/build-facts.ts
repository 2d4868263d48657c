/** Group merged orders by customer and compute facts columns at asOf, without per-row objects. */
import { type CustomerFacts, type FactsColumns, allocateFactsColumns, factsFromSortedOrders, setFactsRow, truncateFactsColumns } from "../domain/customer-facts";
import type { GroupedOrders } from "../domain/population-facts";
import type { Transactions } from "./read-transactions";

export interface PopulationFacts {
  facts: FactsColumns;
  /** customerIds[i] belongs to facts row i (customers with an order before asOf only). */
  customerIds: string[];
  /**
   * The orders before asOf of the same customers, merged and sorted: customer i = facts row i
   * (the input of the churn champion selection). Views into the working arrays, no copy.
   */
  orders: GroupedOrders;
}

export function buildFacts(tx: Transactions, asOfMs: number): PopulationFacts {
  const nCustomers = tx.customerIds.length;
  // Counting sort of orders by customer.
  const start = new Int32Array(nCustomers + 1);
  for (let i = 0; i < tx.orderCount; i++) start[tx.orderCustomer[i] + 1]++;
  for (let c = 0; c < nCustomers; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nCustomers);
  const times = new Float64Array(tx.orderCount);
  const amounts = new Float64Array(tx.orderCount);
  const ids: string[] = new Array(tx.orderCount);
  for (let i = 0; i < tx.orderCount; i++) {
    const slot = fill[tx.orderCustomer[i]]++;
    times[slot] = tx.orderTimeMs[i];
    amounts[slot] = tx.orderAmountMinor[i];
    ids[slot] = tx.orderIds[i];
  }
  const facts = allocateFactsColumns(nCustomers);
  const scoredIds: string[] = [];
  const orderOffsets = new Int32Array(nCustomers + 1);
  let kept = 0; // orders before asOf of the scored customers, compacted to the front (kept ≤ lo always)
  const row: CustomerFacts = { frequency: 0, recencyDays: 0, monetaryMinor: 0, x: 0, tx: 0, T: 0, repeatDayMeanMinor: 0 };
  let n = 0;
  for (let c = 0; c < nCustomers; c++) {
    const lo = start[c];
    const hi = mergeSameOrderRows(times, amounts, ids, start[c], start[c + 1]);
    // Insertion sort by time: customers have few orders, usually already in file order.
    for (let i = lo + 1; i < hi; i++) {
      const t = times[i];
      const a = amounts[i];
      let j = i - 1;
      while (j >= lo && times[j] > t) {
        times[j + 1] = times[j];
        amounts[j + 1] = amounts[j];
        j--;
      }
      times[j + 1] = t;
      amounts[j + 1] = a;
    }
    if (!factsFromSortedOrders(times, amounts, lo, hi, asOfMs, row)) continue;
    setFactsRow(facts, n, row);
    scoredIds.push(tx.customerIds[c]);
    for (let i = lo; i < hi && times[i] < asOfMs; i++) {
      times[kept] = times[i];
      amounts[kept] = amounts[i];
      kept++;
    }
    n++;
    orderOffsets[n] = kept;
  }
  return {
    facts: truncateFactsColumns(facts, n),
    customerIds: scoredIds,
    orders: { offsets: orderOffsets.subarray(0, n + 1), timesMs: times.subarray(0, kept), amountsMinor: amounts.subarray(0, kept) },
  };
}

/**
 * Rows sharing an order id within one customer's range are one order: sum their amounts
 * into the first row (keeping its time) and compact the range. Returns the new range end.
 */
function mergeSameOrderRows(times: Float64Array, amounts: Float64Array, ids: string[], lo: number, hi: number): number {
  if (hi - lo < 2) return hi;
  let end = lo;
  if (hi - lo <= 16) {
    for (let i = lo; i < hi; i++) {
      let j = lo;
      while (j < end && ids[j] !== ids[i]) j++;
      if (j < end) amounts[j] += amounts[i];
      else {
        times[end] = times[i];
        amounts[end] = amounts[i];
        ids[end] = ids[i];
        end++;
      }
    }
  } else {
    const seen = new Map<string, number>();
    for (let i = lo; i < hi; i++) {
      const j = seen.get(ids[i]);
      if (j !== undefined) amounts[j] += amounts[i];
      else {
        seen.set(ids[i], end);
        times[end] = times[i];
        amounts[end] = amounts[i];
        ids[end] = ids[i];
        end++;
      }
    }
  }
  for (let i = lo; i < end; i++) {
    if (!Number.isSafeInteger(amounts[i])) throw new RangeError(`order ${ids[i]}: total exceeds the exact money range`);
  }
  return end;
}
