// Reading orders and customers page by page (single order look-ups and the
// incremental reconciliation).
import type { ShopifyAdminClient } from "./admin-client.server";
import type { CustomerRecord, OrderRecord } from "../domain/order-record";
import { customerFromNode, orderFromNode } from "./records";

const ORDER_FIELDS = `
  id createdAt updatedAt processedAt cancelledAt test currencyCode presentmentCurrencyCode
  customer { id }
  totalPriceSet { shopMoney { amount currencyCode } }
  currentTotalPriceSet { shopMoney { amount currencyCode } }
  discountCodes`;

export async function fetchOrder(client: ShopifyAdminClient, id: string): Promise<OrderRecord | null> {
  const data = await client.request<{ order: Parameters<typeof orderFromNode>[0] | null }>(
    `query Order($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`,
    { id },
  );
  return data.order ? orderFromNode(data.order) : null;
}

const PAGE_SIZE = 100;

interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Everything updated at or after `since`, oldest first, one page at a time. */
export async function* ordersUpdatedSince(client: ShopifyAdminClient, since: Date): AsyncGenerator<OrderRecord[]> {
  let after: string | null = null;
  do {
    const data: { orders: Page<Parameters<typeof orderFromNode>[0]> } = await client.request(
      `query Orders($query: String!, $after: String) {
        orders(first: ${PAGE_SIZE}, after: $after, query: $query, sortKey: UPDATED_AT) {
          nodes { ${ORDER_FIELDS} }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      { query: `updated_at:>='${since.toISOString()}'`, after },
    );
    yield data.orders.nodes.map(orderFromNode);
    after = data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null;
  } while (after);
}

export async function* customersUpdatedSince(client: ShopifyAdminClient, since: Date): AsyncGenerator<CustomerRecord[]> {
  let after: string | null = null;
  do {
    const data: { customers: Page<{ id: string; createdAt: string; updatedAt: string }> } = await client.request(
      `query Customers($query: String!, $after: String) {
        customers(first: 250, after: $after, query: $query, sortKey: UPDATED_AT) {
          nodes { id createdAt updatedAt }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      { query: `updated_at:>='${since.toISOString()}'`, after },
    );
    yield data.customers.nodes.map(customerFromNode);
    after = data.customers.pageInfo.hasNextPage ? data.customers.pageInfo.endCursor : null;
  } while (after);
}
