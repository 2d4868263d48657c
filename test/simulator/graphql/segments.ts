// Customer segments: parsing a segment query against the shop's metafield
// definitions, and the customers a query selects.
import type { SimCustomer } from "../model";
import { evaluateSegment, parseSegmentQuery, SegmentQueryError, type Node as SegNode } from "../segment-query";
import { extrasOf } from "../state";
import type { Env } from "./env";
import { customerStats } from "./shop-figures";
import { liveCustomers } from "./views";

function segmentAttributeInfo(env: Env) {
  if (!env.state.options.segmentMetafieldsNeedDefinition) return undefined;
  const defs = extrasOf(env.state, env.shop.domain).definitions;
  return {
    metafieldType: (ns: string, key: string) => defs.find((d) => d.ownerType === "CUSTOMER" && d.namespace === ns && d.key === key)?.type,
  };
}

export function segmentMembers(env: Env, tree: SegNode): SimCustomer[] {
  return liveCustomers(env).filter((c) => {
    const st = customerStats(env.state, env.shop, c);
    return evaluateSegment(tree, {
      tags: c.tags,
      numberOfOrders: st.numberOfOrders,
      amountSpent: st.amountSpentMinor / 100,
      rfmGroup: st.rfmGroup,
      predictedSpendTier: st.predictedSpendTier,
      metafield: (ns, key) => c.metafields.find((m) => m.namespace === ns && m.key === key),
    });
  });
}

export function checkSegmentQuery(env: Env, query: string): { tree?: SegNode; error?: string } {
  try {
    return { tree: parseSegmentQuery(query, segmentAttributeInfo(env)) };
  } catch (e) {
    if (e instanceof SegmentQueryError) return { error: e.message };
    throw e;
  }
}
