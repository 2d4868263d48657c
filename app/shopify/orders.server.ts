// Reading orders and customers page by page (single order look-ups and the
// incremental reconciliation).
import type { ShopifyAdminClient } from "./admin-client.server";
import type { CustomerRecord, OrderRecord } from "../domain/order-record";
import { customerFromNode, orderFromNode } from "./records";
import { paginate } from "./paginate.server";

const ORDER_FIELDS = `#graphql
  fragment RfmOrderFields on Order {
    id createdAt updatedAt processedAt cancelledAt test currencyCode presentmentCurrencyCode
    customer { id }
    totalPriceSet { shopMoney { amount currencyCode } }
    currentTotalPriceSet { shopMoney { amount currencyCode } }
    discountCodes
  }`;

const ORDER_QUERY = `#graphql
  query RfmOrder($id: ID!) { order(id: $id) { ...RfmOrderFields } }
  ${ORDER_FIELDS}` as const;

// 100 orders a page.
const ORDERS_UPDATED_QUERY = `#graphql
  query RfmOrdersUpdated($query: String!, $after: String) {
    orders(first: 100, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes { ...RfmOrderFields }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${ORDER_FIELDS}` as const;

const CUSTOMERS_UPDATED_QUERY = `#graphql
  query RfmCustomersUpdated($query: String!, $after: String) {
    customers(first: 250, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes { id createdAt updatedAt tags }
      pageInfo { hasNextPage endCursor }
    }
  }`;

export async function fetchOrder(client: ShopifyAdminClient, id: string): Promise<OrderRecord | null> {
  const data = await client.request(ORDER_QUERY, { id });
  return data.order ? orderFromNode(data.order) : null;
}

const updatedSince = (since: Date) => `updated_at:>='${since.toISOString()}'`;

/** Everything updated at or after `since`, oldest first, one page at a time. */
export async function* ordersUpdatedSince(client: ShopifyAdminClient, since: Date): AsyncGenerator<OrderRecord[]> {
  for await (const orders of paginate(client, ORDERS_UPDATED_QUERY, { query: updatedSince(since) }, (data) => data.orders)) {
    yield orders.map(orderFromNode);
  }
}

export async function* customersUpdatedSince(client: ShopifyAdminClient, since: Date): AsyncGenerator<CustomerRecord[]> {
  for await (const customers of paginate(client, CUSTOMERS_UPDATED_QUERY, { query: updatedSince(since) }, (data) => data.customers)) {
    yield customers.map(customerFromNode);
  }
}
