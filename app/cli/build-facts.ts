/** Group merged orders by customer and compute facts columns at asOf, without per-row objects. */
import { type BehaviourOrders, withoutBehaviour } from "../domain/behaviour-orders";
import { type CustomerFacts, type FactsColumns, allocateFactsColumns, factsFromSortedOrders, setFactsRow, truncateFactsColumns } from "../domain/customer-facts";
import { type Transactions, orderIdAt } from "./read-transactions";

export interface PopulationFacts {
  facts: FactsColumns;
  /** customerIds[i] belongs to facts row i (customers with an order before asOf only). */
  customerIds: string[];
  /**
   * The orders before asOf of the same customers, merged and sorted: customer i = facts row i
   * (the input of the churn champion selection and the traits), with each order's discount flag
   * and product-type spend (none when the file has neither column). Views into the working
   * arrays, no copy.
   */
  orders: BehaviourOrders;
}

export function buildFacts(tx: Transactions, asOfMs: number): PopulationFacts {
  const nCustomers = tx.customerIds.length;
  // Counting sort of orders by customer.
  const start = new Int32Array(nCustomers + 1);
  for (let i = 0; i < tx.orderCount; i++) start[tx.orderCustomer[i] + 1]++;
  for (let c = 0; c < nCustomers; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nCustomers);
  // Shared memory: `cli score` hands the orders to its churn thread without a copy.
  const times = new Float64Array(new SharedArrayBuffer(8 * tx.orderCount));
  const amounts = new Float64Array(new SharedArrayBuffer(8 * tx.orderCount));
  // The file row in each slot while rows of one order are merged (their ids compared as bytes).
  const idRow = new Int32Array(tx.orderCount);
  // With the behaviour columns only: rowOf[slot] = the file row in that slot (moved with it),
  // repOf[row] = the file row whose slot the row's order was merged into.
  const behaviour = tx.rowDiscounted !== null || tx.rowTypeIndex !== null;
  const rowOf = behaviour ? new Int32Array(tx.orderCount) : null;
  const repOf = behaviour ? new Int32Array(tx.orderCount) : null;
  for (let i = 0; i < tx.orderCount; i++) {
    const slot = fill[tx.orderCustomer[i]]++;
    times[slot] = tx.orderTimeMs[i];
    amounts[slot] = tx.orderAmountMinor[i];
    idRow[slot] = i;
    if (rowOf && repOf) {
      rowOf[slot] = i;
      repOf[i] = i;
    }
  }
  const facts = allocateFactsColumns(nCustomers);
  const scoredIds: string[] = [];
  const orderOffsets = new Int32Array(new SharedArrayBuffer(4 * (nCustomers + 1)));
  let kept = 0; // orders before asOf of the scored customers, compacted to the front (kept ≤ lo always)
  const row: CustomerFacts = { frequency: 0, recencyDays: 0, monetaryMinor: 0, x: 0, tx: 0, T: 0, repeatDayMeanMinor: 0 };
  let n = 0;
  for (let c = 0; c < nCustomers; c++) {
    const lo = start[c];
    const hi = mergeSameOrderRows(times, amounts, tx, idRow, start[c], start[c + 1], rowOf, repOf);
    // Insertion sort by time: customers have few orders, usually already in file order.
    for (let i = lo + 1; i < hi; i++) {
      const t = times[i];
      const a = amounts[i];
      const r = rowOf ? rowOf[i] : 0;
      let j = i - 1;
      while (j >= lo && times[j] > t) {
        times[j + 1] = times[j];
        amounts[j + 1] = amounts[j];
        if (rowOf) rowOf[j + 1] = rowOf[j];
        j--;
      }
      times[j + 1] = t;
      amounts[j + 1] = a;
      if (rowOf) rowOf[j + 1] = r;
    }
    if (!factsFromSortedOrders(times, amounts, lo, hi, asOfMs, row)) continue;
    setFactsRow(facts, n, row);
    scoredIds.push(tx.customerIds[c]);
    for (let i = lo; i < hi && times[i] < asOfMs; i++) {
      times[kept] = times[i];
      amounts[kept] = amounts[i];
      if (rowOf) rowOf[kept] = rowOf[i];
      kept++;
    }
    n++;
    orderOffsets[n] = kept;
  }
  const grouped = { offsets: orderOffsets.subarray(0, n + 1), timesMs: times.subarray(0, kept), amountsMinor: amounts.subarray(0, kept) };
  return {
    facts: truncateFactsColumns(facts, n),
    customerIds: scoredIds,
    orders: rowOf && repOf ? { ...grouped, ...orderBehaviour(tx, rowOf.subarray(0, kept), repOf) } : withoutBehaviour(grouped),
  };
}

/**
 * Each kept order's discount flag (any of its rows with discount_amount > 0) and product-type
 * spend (per type, the sum of its rows' amounts, clamped at 0; rows without a type left out).
 * orderRow[k] = the file row order k was merged into; repOf[row] = the same for every row.
 */
function orderBehaviour(tx: Transactions, orderRow: Int32Array, repOf: Int32Array): Omit<BehaviourOrders, "offsets" | "timesMs" | "amountsMinor"> {
  const kept = orderRow.length;
  const rows = tx.orderCount;
  const orderOfRep = new Int32Array(rows).fill(-1);
  for (let k = 0; k < kept; k++) orderOfRep[orderRow[k]] = k;
  const discounted = new Uint8Array(kept);
  const flags = tx.rowDiscounted;
  if (flags) {
    for (let r = 0; r < rows; r++) {
      if (flags[r] === 0) continue;
      const k = orderOfRep[repOf[r]];
      if (k >= 0) discounted[k] = 1;
    }
  }
  const typeOffsets = new Int32Array(kept + 1);
  const types = tx.rowTypeIndex;
  if (!types) return { discounted, typeOffsets, typeIndex: new Int32Array(0), typeSpendMinor: new Float64Array(0), typeNames: [] };
  // Typed rows bucketed by their kept order (counting sort), then summed per type within each order.
  const rowStart = new Int32Array(kept + 1);
  for (let r = 0; r < rows; r++) {
    if (types[r] < 0) continue;
    const k = orderOfRep[repOf[r]];
    if (k >= 0) rowStart[k + 1]++;
  }
  for (let k = 0; k < kept; k++) rowStart[k + 1] += rowStart[k];
  const byOrder = new Int32Array(rowStart[kept]);
  const next = rowStart.slice(0, kept);
  for (let r = 0; r < rows; r++) {
    if (types[r] < 0) continue;
    const k = orderOfRep[repOf[r]];
    if (k >= 0) byOrder[next[k]++] = r;
  }
  const typeIndex = new Int32Array(byOrder.length);
  const typeSpendMinor = new Float64Array(byOrder.length);
  const stamp = new Int32Array(tx.typeNames.length);
  const entryOf = new Int32Array(tx.typeNames.length);
  let entries = 0;
  for (let k = 0; k < kept; k++) {
    const first = entries;
    for (let j = rowStart[k]; j < rowStart[k + 1]; j++) {
      const r = byOrder[j];
      const t = types[r];
      if (stamp[t] === k + 1) typeSpendMinor[entryOf[t]] += tx.orderAmountMinor[r];
      else {
        stamp[t] = k + 1;
        entryOf[t] = entries;
        typeIndex[entries] = t;
        typeSpendMinor[entries++] = tx.orderAmountMinor[r];
      }
    }
    for (let e = first; e < entries; e++) if (typeSpendMinor[e] < 0) typeSpendMinor[e] = 0;
    typeOffsets[k + 1] = entries;
  }
  return { discounted, typeOffsets, typeIndex: typeIndex.subarray(0, entries), typeSpendMinor: typeSpendMinor.subarray(0, entries), typeNames: tx.typeNames };
}

/** Whether file rows a and b have the same order id (the same UTF-8 bytes). */
function sameOrderId(tx: Transactions, a: number, b: number): boolean {
  const { orderIdBytes: bytes, orderIdEnd: end } = tx;
  let sa = a === 0 ? 0 : end[a - 1];
  let sb = b === 0 ? 0 : end[b - 1];
  const n = end[a] - sa;
  if (end[b] - sb !== n) return false;
  for (const ea = end[a]; sa < ea; sa++, sb++) if (bytes[sa] !== bytes[sb]) return false;
  return true;
}

/**
 * Rows sharing an order id within one customer's range are one order: sum their amounts
 * into the first row (keeping its time) and compact the range. Returns the new range end.
 * idRow[slot] is the file row in that slot (moved with it).
 */
function mergeSameOrderRows(
  times: Float64Array,
  amounts: Float64Array,
  tx: Transactions,
  idRow: Int32Array,
  lo: number,
  hi: number,
  rowOf: Int32Array | null,
  repOf: Int32Array | null,
): number {
  if (hi - lo < 2) return hi;
  let end = lo;
  if (hi - lo <= 16) {
    for (let i = lo; i < hi; i++) {
      let j = lo;
      while (j < end && !sameOrderId(tx, idRow[j], idRow[i])) j++;
      if (j < end) {
        amounts[j] += amounts[i];
        if (rowOf && repOf) repOf[rowOf[i]] = rowOf[j];
      } else {
        times[end] = times[i];
        amounts[end] = amounts[i];
        idRow[end] = idRow[i];
        if (rowOf) rowOf[end] = rowOf[i];
        end++;
      }
    }
  } else {
    const seen = new Map<string, number>();
    for (let i = lo; i < hi; i++) {
      const id = orderIdAt(tx, idRow[i]);
      const j = seen.get(id);
      if (j !== undefined) {
        amounts[j] += amounts[i];
        if (rowOf && repOf) repOf[rowOf[i]] = rowOf[j];
      } else {
        seen.set(id, end);
        times[end] = times[i];
        amounts[end] = amounts[i];
        idRow[end] = idRow[i];
        if (rowOf) rowOf[end] = rowOf[i];
        end++;
      }
    }
  }
  for (let i = lo; i < end; i++) {
    if (!Number.isSafeInteger(amounts[i])) throw new RangeError(`order ${orderIdAt(tx, idRow[i])}: total exceeds the exact money range`);
  }
  return end;
}
