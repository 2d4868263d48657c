// Applies one stored webhook event. Idempotent and order-insensitive: order
// upserts are guarded by updated_at, deletions are tombstones, and an event
// already marked processed is skipped.
import prisma from "../../db.server";
import { adminClientFor } from "../../shopify/admin-client.server";
import { fetchOrder } from "../../shopify/orders.server";
import { gidOf } from "../../shopify/gid";
import type { OrderRecord } from "../../domain/order-record";
import { orderFromPayload } from "../../webhooks/order-payload";
import { upsertOrders } from "../../models/orders.server";
import { ensureCustomersExist, markCustomerDeleted, redactCustomer, upsertCustomers } from "../../models/customers.server";
import { markShopUninstalled, redactShop } from "../../models/shop-lifecycle.server";
import { findShopByDomain } from "../../models/shops.server";
import { markEventFinished } from "../../models/webhook-events.server";
import {
  bulkOperationFinishPayload,
  customerDeletePayload,
  customerPayload,
  customersRedactPayload,
  orderPayload,
  refundPayload,
} from "../../webhooks/payloads";
import { enqueue, type JobPayloads } from "../queue.server";
import { bulkJobId } from "./backfill.server";

export async function applyWebhook(data: JobPayloads["apply-webhook"]): Promise<unknown> {
  const event = await prisma.webhookEvent.findUnique({ where: { id: BigInt(data.eventId) } });
  if (!event || event.status !== "pending") return { skipped: event?.status ?? "missing" };
  try {
    const outcome = await applyEvent(event.shopDomain, event.topic, event.payload);
    await markEventFinished(event.id, "processed");
    return outcome;
  } catch (error) {
    await prisma.webhookEvent.update({
      where: { id: event.id },
      data: { attempts: { increment: 1 }, error: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  }
}

const RESCORE_DEBOUNCE_MS = 300;

/**
 * Customers whose facts changed get a live rescore, debounced per customer:
 * events in the same window share one job; a later window gets its own, so an
 * event arriving while a rescore runs is never lost.
 */
async function rescore(shop: string, customerIds: (bigint | null)[]): Promise<void> {
  const window = Math.floor(Date.now() / RESCORE_DEBOUNCE_MS);
  for (const id of customerIds) {
    if (id === null) continue;
    await enqueue(
      "rescore-customer",
      { shop, customerId: id.toString() },
      { jobId: `rescore-${shop}-${id}-${window}`, delay: RESCORE_DEBOUNCE_MS, removeOnComplete: true, removeOnFail: 100 },
    );
  }
}

async function applyOrder(shopId: string, shop: string, order: OrderRecord, previousCustomer: bigint | null) {
  if (order.customerId !== null) await ensureCustomersExist(shopId, [order.customerId]);
  const written = await upsertOrders(shopId, [order]);
  if (written > 0) await rescore(shop, [order.customerId, previousCustomer !== order.customerId ? previousCustomer : null]);
  return { order: order.id.toString(), applied: written > 0 };
}

async function applyEvent(shopDomain: string, topic: string, payload: unknown): Promise<unknown> {
  if (topic === "shop/redact") return redactShop(shopDomain);
  const shop = await findShopByDomain(shopDomain);
  if (!shop) return { skipped: "unknown shop" };

  switch (topic) {
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled": {
      const order = orderFromPayload(orderPayload.parse(payload));
      const previous = await prisma.order.findUnique({
        where: { shopId_id: { shopId: shop.id, id: order.id } },
        select: { customerId: true },
      });
      return applyOrder(shop.id, shop.domain, order, previous?.customerId ?? null);
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
      await upsertCustomers(shop.id, [
        {
          id: BigInt(customer.id),
          createdAt: customer.created_at ? new Date(customer.created_at) : null,
          updatedAt: customer.updated_at ? new Date(customer.updated_at) : null,
        },
      ]);
      return { customer: customer.id };
    }
    case "customers/delete": {
      const { id } = customerDeletePayload.parse(payload);
      await markCustomerDeleted(shop.id, BigInt(id));
      return { deleted: id };
    }
    case "customers/redact": {
      const request = customersRedactPayload.parse(payload);
      await redactCustomer(shop.id, BigInt(request.customer.id), request.orders_to_redact.map((o) => BigInt(o)));
      return { redacted: request.customer.id };
    }
    case "customers/data_request":
      // The app stores no personal data (ids, dates and totals only); the
      // request is recorded as this event and needs no further action.
      return { dataRequest: "recorded" };
    case "app/uninstalled":
      return markShopUninstalled(shop.domain);
    case "bulk_operations/finish": {
      const finished = bulkOperationFinishPayload.parse(payload);
      if (finished.type.toLowerCase() === "query") {
        await enqueue(
          "bulk-finished",
          { shop: shop.domain, bulkOperationId: finished.admin_graphql_api_id },
          { jobId: bulkJobId(finished.admin_graphql_api_id) },
        );
      }
      return { bulkOperation: finished.admin_graphql_api_id, status: finished.status };
    }
    default:
      throw new Error(`no handler for topic ${topic}`);
  }
}
