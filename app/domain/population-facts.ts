// Facts for a whole shop from order histories already grouped by customer and
// sorted by time (as the database returns them), without per-order objects.
import {
  type CustomerFacts,
  type FactsColumns,
  allocateFactsColumns,
  factsFromSortedOrders,
  setFactsRow,
  truncateFactsColumns,
} from "./customer-facts";

export interface GroupedOrders {
  /** offsets[i]..offsets[i+1] index customer i's orders; length = customers + 1. */
  offsets: ArrayLike<number>;
  timesMs: ArrayLike<number>;
  amountsMinor: ArrayLike<number>;
}

export interface PopulationFacts {
  facts: FactsColumns;
  /** For each facts row, the index of its customer in the grouped input. */
  customerIndex: Int32Array;
}

export function factsFromGroupedOrders(orders: GroupedOrders, asOf: Date): PopulationFacts {
  const customers = orders.offsets.length - 1;
  const all = allocateFactsColumns(customers);
  const customerIndex = new Int32Array(customers);
  const row: CustomerFacts = { frequency: 0, recencyDays: 0, monetaryMinor: 0, x: 0, tx: 0, T: 0, repeatDayMeanMinor: 0 };
  let n = 0;
  for (let c = 0; c < customers; c++) {
    if (!factsFromSortedOrders(orders.timesMs, orders.amountsMinor, orders.offsets[c], orders.offsets[c + 1], asOf.getTime(), row)) continue;
    setFactsRow(all, n, row);
    customerIndex[n++] = c;
  }
  return { facts: truncateFactsColumns(all, n), customerIndex: customerIndex.subarray(0, n) };
}
