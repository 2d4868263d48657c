// Applies one stored webhook event. Idempotent and order-insensitive: order
// upserts are guarded by updated_at, deletions are tombstones, and an event
// already marked processed is skipped.
import { adminClientFor } from "../../shopify.server";
import { fetchOrder } from "../../shopify/orders.server";
import { gidOf } from "../../shopify/gid";
import { productTypes } from "../../shopify/products.server";
import { grantsScope } from "../../domain/access-scopes";
import { productIdsOf, productTypeSpend, type CustomerRecord, type OrderRecord } from "../../domain/order-record";
import { fetchCustomerTags } from "../../shopify/customers.server";
import { sendWritesPerCall } from "../../shopify/writeback.server";
import { planCustomerWrite } from "../../domain/writeback-plan";
import { resolveSettings } from "../../domain/shop-settings";
import { customerFromPayload, lineItemSpendsFromPayload, orderFromPayload } from "../../webhooks/records";
import { customerOfOrder, upsertOrders } from "../../models/orders.server";
import { loadProductTypes, upsertProductTypes } from "../../models/product-types.server";
import { customerAppTags, ensureCustomersExist, markCustomerDeleted, redactCustomer, upsertCustomerReportingOptOut } from "../../models/customers.server";
import { markShopUninstalled, redactShop } from "../../models/shop-lifecycle.server";
import { findShopByDomain } from "../../models/shops.server";
import { recordDataRequest } from "../../models/data-requests.server";
import { findWebhookEvent, markEventFinished, markEventSkipped, recordEventFailure } from "../../models/webhook-events.server";
import {
  bulkOperationFinishPayload,
  customerDeletePayload,
  customerPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  customerTagsPayload,
  orderPayload,
  refundPayload,
  type OrderPayload,
} from "../../webhooks/payloads";
import { enqueue, removeShopJobs, type JobPayloads } from "../../queue.server";

/** An event safely not applied, recorded on its row (status skipped, the reason in error; docs/bad-input.md). */
class Skipped {
  constructor(readonly reason: string) {}
}

/** What Shopify still sends once the app is uninstalled, and must still be done. */
const AFTER_UNINSTALL = new Set(["app/uninstalled", "customers/data_request", "customers/redact"]);

export async function applyWebhook(data: JobPayloads["apply-webhook"]): Promise<unknown> {
  const event = await findWebhookEvent(BigInt(data.eventId));
  if (!event || event.status !== "pending") return { skipped: event?.status ?? "missing" };
  try {
    const outcome = await applyEvent(event.shopDomain, event.topic, event.payload);
    if (outcome instanceof Skipped) {
      await markEventSkipped(event.id, outcome.reason);
      return { skipped: outcome.reason };
    }
    await markEventFinished(event.id, "processed");
    return outcome;
  } catch (error) {
    await recordEventFailure(event.id, error instanceof Error ? error.message : String(error));
    throw error;
  }
}

/**
 * Customers whose facts changed get a live rescore, debounced per customer by
 * the queue module: events while one waits share it, an event while one runs
 * gets exactly one rerun, so no event is ever lost.
 */
async function rescore(shop: string, customerIds: (bigint | null)[]): Promise<void> {
  for (const id of customerIds) {
    if (id !== null) await enqueue("rescore-customer", { shop, customerId: id.toString() });
  }
}

async function applyOrder(shopId: string, shop: string, order: OrderRecord, previousCustomer: bigint | null) {
  if (order.customerId !== null) await ensureCustomersExist(shopId, [order.customerId]);
  const written = await upsertOrders(shopId, [order]);
  if (written > 0) await rescore(shop, [order.customerId, previousCustomer !== order.customerId ? previousCustomer : null]);
  return { order: order.id.toString(), applied: written > 0 };
}

/**
 * A webhook order with its item spend per product type. REST line items carry
 * product_id only: types come from the ProductType table, and products it does not
 * know yet are looked up through the Admin API (when the shop granted read_products)
 * and stored. Lines still untyped are left out.
 */
async function typedOrder(shop: { id: string; domain: string; grantedScopes: string }, payload: OrderPayload): Promise<OrderRecord> {
  const lines = lineItemSpendsFromPayload(payload);
  const ids = productIdsOf(lines);
  const types = await loadProductTypes(shop.id, ids);
  const unknown = ids.filter((id) => !types.has(id));
  if (unknown.length > 0 && grantsScope(shop.grantedScopes, "read_products")) {
    const found = await productTypes(await adminClientFor(shop.domain), unknown);
    await upsertProductTypes(shop.id, found);
    for (const product of found) types.set(product.productId, product.productType);
  }
  return { ...orderFromPayload(payload), productTypeSpend: productTypeSpend(lines, types) };
}

/** Removes the app's tags and every app metafield from one customer in Shopify; a customer Shopify no longer has counts as done. */
async function removeAppWritesFromShopify(shopDomain: string, customerId: bigint, appTags: string[]): Promise<boolean> {
  if (appTags.length === 0) return false;
  const plan = planCustomerWrite(null, { appTags, writtenHash: null });
  const write = { customerId: customerId.toString(), tagsToRemove: plan.tagsToRemove, tagsToAdd: [], metafields: [], metafieldDeletes: plan.metafieldDeletes };
  const report = await sendWritesPerCall(await adminClientFor(shopDomain), [write], { onAccepted: async () => undefined });
  const real = report.errors.filter((e) => !/does not exist/i.test(e));
  if (real.length) throw new Error(`customers/redact: could not remove the app's tags and metafields: ${real.join("; ")}`);
  return true;
}

/**
 * Upserts a customer; when its tags change the opt-out flag, the rescore takes effect at once:
 * it drops (or restores) the score, and its write-back removes (or adds) the app's tags and metafields.
 */
async function applyCustomer(shop: { id: string; domain: string }, record: CustomerRecord): Promise<{ optOutChanged: boolean }> {
  const { optOutChanged } = await upsertCustomerReportingOptOut(shop.id, record);
  if (optOutChanged) await rescore(shop.domain, [record.id]);
  return { optOutChanged };
}

async function applyEvent(shopDomain: string, topic: string, payload: unknown): Promise<unknown> {
  if (topic === "shop/redact") return redactShop(shopDomain);
  const shop = await findShopByDomain(shopDomain);
  if (!shop) return new Skipped("unknown shop");
  // Its data stays until shop/redact, frozen: a reinstall re-syncs it from Shopify.
  if (shop.uninstalledAt && !AFTER_UNINSTALL.has(topic)) return new Skipped("shop uninstalled");

  switch (topic) {
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled": {
      const order = await typedOrder(shop, orderPayload.parse(payload));
      return applyOrder(shop.id, shop.domain, order, await customerOfOrder(shop.id, order.id));
    }
    case "refunds/create": {
      // Refund payload amounts are in presentment currency; the order as
      // Shopify now has it gives the exact shop-currency net total.
      const refund = refundPayload.parse(payload);
      const client = await adminClientFor(shop.domain);
      const order = await fetchOrder(client, gidOf("Order", refund.order_id));
      if (!order) return { skipped: "order not found" };
      return applyOrder(shop.id, shop.domain, order, null);
    }
    case "customers/create":
    case "customers/update": {
      const customer = customerPayload.parse(payload);
      return { customer: customer.id, ...(await applyCustomer(shop, customerFromPayload(customer))) };
    }
    case "customer.tags_added":
    case "customer.tags_removed": {
      const { customerId, tags: changed } = customerTagsPayload.parse(payload);
      const id = BigInt(String(customerId).replace(/^gid:\/\/shopify\/Customer\//, ""));
      // Every tag the app writes is announced too: only a change of the opt-out tag matters.
      const optOutTag = resolveSettings(shop.settings).optOutTag.toLowerCase();
      if (changed && !changed.some((t) => t.trim().toLowerCase() === optOutTag)) return { skipped: "not the opt-out tag" };
      const tags = await fetchCustomerTags(await adminClientFor(shop.domain), id);
      if (tags === null) return { skipped: "customer not found" };
      return { customer: id.toString(), ...(await applyCustomer(shop, { id, createdAt: null, updatedAt: null, tags })) };
    }
    case "customers/delete": {
      const { id } = customerDeletePayload.parse(payload);
      await markCustomerDeleted(shop.id, BigInt(id));
      return { deleted: id };
    }
    case "customers/redact": {
      const request = customersRedactPayload.parse(payload);
      const id = BigInt(request.customer.id);
      // First the app's tags and metafields on the customer in Shopify (if it still exists there),
      // then everything stored; a failure to reach Shopify retries the whole event. Uninstalled,
      // the app has no session to reach Shopify with: only the stored data can go.
      const removed = shop.uninstalledAt ? false : await removeAppWritesFromShopify(shop.domain, id, await customerAppTags(shop.id, id));
      await redactCustomer(shop.id, id, request.orders_to_redact.map((o) => BigInt(o)));
      return { redacted: request.customer.id, removedFromShopify: removed };
    }
    case "customers/data_request": {
      // Everything held on the customer (ids, scores, traits, transitions, order totals; no
      // personal data), kept for the merchant to download from the app.
      const request = customersDataRequestPayload.parse(payload);
      const requestId = request.data_request?.id !== undefined ? String(request.data_request.id) : null;
      return { dataRequest: await recordDataRequest(shop, BigInt(request.customer.id), requestId) };
    }
    case "app/uninstalled":
      return { ...(await markShopUninstalled(shop.domain)), jobsRemoved: await removeShopJobs(shop.domain) };
    case "bulk_operations/finish": {
      const finished = bulkOperationFinishPayload.parse(payload);
      if (finished.type.toLowerCase() === "query") {
        await enqueue("bulk-finished", { shop: shop.domain, bulkOperationId: finished.admin_graphql_api_id });
      }
      return { bulkOperation: finished.admin_graphql_api_id, status: finished.status };
    }
    default:
      throw new Error(`no handler for topic ${topic}`);
  }
}
