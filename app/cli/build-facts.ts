/** Group merged orders by customer and compute facts columns at asOf, without per-row objects. */
import { type CustomerFacts, type FactsColumns, allocateFactsColumns, factsFromSortedOrders } from "../domain/customer-facts";
import type { Transactions } from "./read-transactions";

export interface PopulationFacts {
  facts: FactsColumns;
  /** customerIds[i] belongs to facts row i (customers with an order before asOf only). */
  customerIds: string[];
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
  for (let i = 0; i < tx.orderCount; i++) {
    const slot = fill[tx.orderCustomer[i]]++;
    times[slot] = tx.orderTimeMs[i];
    amounts[slot] = tx.orderAmountMinor[i];
  }
  const facts = allocateFactsColumns(nCustomers);
  const ids: string[] = [];
  const row: CustomerFacts = { frequency: 0, recencyDays: 0, monetaryMinor: 0, x: 0, tx: 0, T: 0, repeatDayMeanMinor: 0 };
  let n = 0;
  for (let c = 0; c < nCustomers; c++) {
    const lo = start[c];
    const hi = start[c + 1];
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
    facts.frequency[n] = row.frequency;
    facts.recencyDays[n] = row.recencyDays;
    facts.monetaryMinor[n] = row.monetaryMinor;
    facts.x[n] = row.x;
    facts.tx[n] = row.tx;
    facts.T[n] = row.T;
    facts.repeatDayMeanMinor[n] = row.repeatDayMeanMinor;
    ids.push(tx.customerIds[c]);
    n++;
  }
  return { facts: truncate(facts, n), customerIds: ids };
}

function truncate(f: FactsColumns, n: number): FactsColumns {
  return {
    n,
    frequency: f.frequency.subarray(0, n),
    recencyDays: f.recencyDays.subarray(0, n),
    monetaryMinor: f.monetaryMinor.subarray(0, n),
    x: f.x.subarray(0, n),
    tx: f.tx.subarray(0, n),
    T: f.T.subarray(0, n),
    repeatDayMeanMinor: f.repeatDayMeanMinor.subarray(0, n),
  };
}
