// Bulk export through bulkOperationRunQuery: start, poll, and stream the JSONL
// result line by line (never the whole file in memory).
import type { ShopifyAdminClient } from "./admin-client.server";
import { ShopifyUserError } from "./admin-client.server";
import type { AdminResult } from "./admin-operations";

/**
 * Every field scoring needs, plus what the behavioural traits read: discount codes and
 * the total discount amount, and per line item its original total (price × quantity
 * before discounts) and its product's id and type (reading Product needs read_products).
 */
export const ORDERS_BULK_QUERY = `{
  orders {
    edges {
      node {
        id
        createdAt
        updatedAt
        processedAt
        cancelledAt
        test
        currencyCode
        presentmentCurrencyCode
        customer { id }
        totalPriceSet { shopMoney { amount currencyCode } }
        currentTotalPriceSet { shopMoney { amount currencyCode } }
        discountCodes
        totalDiscountsSet { shopMoney { amount } }
        lineItems {
          edges { node { id originalTotalSet { shopMoney { amount } } product { id productType } } }
        }
      }
    }
  }
}`;

export const CUSTOMERS_BULK_QUERY = `{
  customers {
    edges { node { id createdAt updatedAt tags } }
  }
}`;

const BULK_RUN_QUERY_MUTATION = `#graphql
  mutation RfmBulkRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }`;

const BULK_OPERATION_QUERY = `#graphql
  query RfmBulkOperation($id: ID!) {
    bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl }
  }`;

/** A bulk operation's state as polled: status, error code, object count and result URLs. */
export type BulkOperationState = NonNullable<AdminResult<typeof BULK_OPERATION_QUERY>["bulkOperation"]>;

export async function startBulkQuery(client: ShopifyAdminClient, query: string): Promise<string> {
  const data = await client.request(BULK_RUN_QUERY_MUTATION, { query });
  const result = data.bulkOperationRunQuery;
  if (!result) throw new Error("bulkOperationRunQuery returned no payload");
  if (result.userErrors.length > 0 || !result.bulkOperation) {
    throw new ShopifyUserError("bulkOperationRunQuery", result.userErrors);
  }
  return result.bulkOperation.id;
}

export async function fetchBulkOperation(client: ShopifyAdminClient, id: string): Promise<BulkOperationState> {
  const data = await client.request(BULK_OPERATION_QUERY, { id });
  if (!data.bulkOperation) throw new Error(`bulk operation ${id} not found`);
  return data.bulkOperation;
}

export class BulkResultExpiredError extends Error {
  name = "BulkResultExpiredError";
}

/**
 * Streams a bulk result file, calling `onRecord` for each JSON line after
 * `skipLines` lines (the resume checkpoint). Back-pressure: when `onRecord`
 * returns a promise, the next line is read only after it resolves; a callback
 * that returns nothing keeps the loop synchronous within a network chunk (the
 * import's hot path: a promise per line cost more than splitting the lines).
 */
export async function streamBulkResult(
  url: string,
  onRecord: (record: Record<string, unknown>, lineNumber: number) => Promise<void> | void,
  skipLines = 0,
): Promise<number> {
  const response = await fetch(url);
  if ([400, 403, 404, 410].includes(response.status)) {
    throw new BulkResultExpiredError(`bulk result URL no longer available (HTTP ${response.status})`);
  }
  if (!response.ok || !response.body) throw new Error(`bulk result download failed: HTTP ${response.status}`);
  const decoder = new TextDecoder();
  let lineNumber = 0;
  // Lines split by hand on "\n" ("\r\n" tolerated, empty lines not counted), as split2 did.
  const handle = (raw: string): Promise<void> | void => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!line) return;
    lineNumber++;
    if (lineNumber <= skipLines) return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      throw new Error(`bulk result line ${lineNumber} is not JSON`);
    }
    return onRecord(record, lineNumber);
  };
  let rest = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    const text = rest + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      const pending = handle(text.slice(start, end));
      start = end + 1;
      if (pending) await pending;
    }
    rest = text.slice(start);
  }
  const pending = handle(rest + decoder.decode());
  if (pending) await pending;
  return lineNumber;
}
