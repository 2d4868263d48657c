// What the behavioural traits and the discovered segments read beyond the scoring input
// (docs/scoring.md, "Traits"): per counted order, whether it was discounted and how its item
// spend splits over product types. Same order indexing as GroupedOrders (grouped by customer,
// sorted by time), columnar so a million-customer shop stays a few typed arrays.
import type { GroupedOrders } from "./population-facts";

export interface BehaviourOrders extends GroupedOrders {
  /** Per order: 1 when it carries a discount code or a discount amount above zero. */
  discounted: ArrayLike<number>;
  /** Order k's product-type spends are entries typeOffsets[k]..typeOffsets[k+1]; length = orders + 1. */
  typeOffsets: ArrayLike<number>;
  /** Per entry: index into typeNames (a type appears at most once per order). */
  typeIndex: ArrayLike<number>;
  /** Per entry: item spend of that type in the order, shop-currency 1/100 units (at least 0). */
  typeSpendMinor: ArrayLike<number>;
  /** Product type names (merchant data, not personal); "" is never a type: untyped items are left out. */
  typeNames: readonly string[];
}

/** A BehaviourOrders with no discounts and no product types, for callers that have neither. */
export function withoutBehaviour(orders: GroupedOrders): BehaviourOrders {
  const n = orders.timesMs.length;
  return { ...orders, discounted: new Uint8Array(n), typeOffsets: new Int32Array(n + 1), typeIndex: new Int32Array(0), typeSpendMinor: new Float64Array(0), typeNames: [] };
}
