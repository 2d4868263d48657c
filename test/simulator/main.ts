// `npm run simulator`: the local Shopify simulator as a standalone process.
// Env: SIMULATOR_PORT (4000), SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL,
// SIMULATOR_SHOP (demo-store.myshopify.com), SIMULATOR_CUSTOMERS (500), SIMULATOR_SEED (1),
// SIMULATOR_LOG=1 to log requests.
import { startSimulator } from "./server";
import { attachWebhookEmitter } from "./webhook-emitter";
import { generateStore } from "./generator";
import { stopAllLiveTraffic } from "./control";

const port = Number(process.env.SIMULATOR_PORT ?? 4000);
const sim = await startSimulator({
  port,
  host: process.env.SIMULATOR_HOST ?? "127.0.0.1",
  apiKey: process.env.SHOPIFY_API_KEY ?? "rfm-churn-local-client-id",
  apiSecret: process.env.SHOPIFY_API_SECRET ?? "local-dev-secret",
  appUrl: process.env.SHOPIFY_APP_URL ?? "http://127.0.0.1:3000",
  log: process.env.SIMULATOR_LOG === "1",
});

// Signed webhook delivery to the app.
attachWebhookEmitter(sim.ctx);

// A seeded demo store.
const domain = process.env.SIMULATOR_SHOP ?? "demo-store.myshopify.com";
const customers = Number(process.env.SIMULATOR_CUSTOMERS ?? 500);
if (customers > 0) {
  const { shop } = generateStore({ domain, seed: process.env.SIMULATOR_SEED ?? 1, customers, asOf: sim.ctx.now() });
  sim.ctx.shops.set(domain, shop);
}

console.log(`Shopify simulator listening on ${sim.url}`);
for (const shop of sim.ctx.shops.keys()) console.log(`  admin: ${sim.ctx.hooks!.adminUrl(shop)}`);

const stop = async () => {
  stopAllLiveTraffic(sim.ctx);
  await sim.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
