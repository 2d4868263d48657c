// `npm run simulator`: the local Shopify simulator as a standalone process.
// Env: SIMULATOR_PORT (4000), SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL,
// SIMULATOR_SHOP (demo-store.myshopify.com), SIMULATOR_CUSTOMERS (500), SIMULATOR_SEED (1),
// SIMULATOR_LOG=1 to log requests.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startSimulator } from "./server";

const here = dirname(fileURLToPath(import.meta.url));
const optional = async (file: string): Promise<Record<string, any> | null> => {
  const f = join(here, file);
  if (!existsSync(f)) return null;
  try {
    return await import(pathToFileURL(f).href);
  } catch (e) {
    console.error(`[simulator] could not load ${file}:`, (e as Error).message);
    return null;
  }
};

const port = Number(process.env.SIMULATOR_PORT ?? 4000);
const sim = await startSimulator({
  port,
  host: process.env.SIMULATOR_HOST ?? "127.0.0.1",
  apiKey: process.env.SHOPIFY_API_KEY ?? "rfm-churn-local-client-id",
  apiSecret: process.env.SHOPIFY_API_SECRET ?? "local-dev-secret",
  appUrl: process.env.SHOPIFY_APP_URL ?? "http://127.0.0.1:3000",
  log: process.env.SIMULATOR_LOG === "1",
});

// Signed webhook delivery to the app (events half) when available.
const emitter = await optional("webhook-emitter.ts");
if (typeof emitter?.attachWebhookEmitter === "function") emitter.attachWebhookEmitter(sim.ctx);

// A seeded demo store (events half's generator) when available.
const gen = await optional("generator.ts");
if (typeof gen?.generateStore === "function") {
  const domain = process.env.SIMULATOR_SHOP ?? "demo-store.myshopify.com";
  const { shop } = gen.generateStore({
    domain,
    seed: process.env.SIMULATOR_SEED ?? 1,
    customers: Number(process.env.SIMULATOR_CUSTOMERS ?? 500),
    asOf: sim.ctx.now(),
  });
  sim.ctx.shops.set(domain, shop);
}

console.log(`Shopify simulator listening on ${sim.url}`);
for (const shop of sim.ctx.shops.keys()) console.log(`  admin: ${sim.ctx.hooks!.adminUrl(shop)}`);

const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
