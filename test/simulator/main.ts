// `npm run simulator`: the local Shopify simulator as a standalone process.
import { startSimulator } from "./server";

const port = Number(process.env.SIMULATOR_PORT ?? 4000);
const sim = await startSimulator({
  port,
  host: process.env.SIMULATOR_HOST ?? "127.0.0.1",
  apiKey: process.env.SHOPIFY_API_KEY ?? "rfm-churn-local-client-id",
  apiSecret: process.env.SHOPIFY_API_SECRET ?? "local-dev-secret",
  appUrl: process.env.SHOPIFY_APP_URL ?? "http://127.0.0.1:3000",
  log: process.env.SIMULATOR_LOG === "1",
});

// Seed shops with the events half's generator when it is there.
try {
  const gen = (await import("./generator")) as Record<string, unknown>;
  const seed = (gen.seedSimulator ?? gen.seedContext ?? gen.populateContext) as ((ctx: unknown, opts?: unknown) => unknown) | undefined;
  if (typeof seed === "function") await seed(sim.ctx, { seed: Number(process.env.SIMULATOR_SEED ?? 1) });
} catch (e) {
  console.error("[simulator] generator not used:", (e as Error).message);
}

console.log(`Shopify simulator listening on ${sim.url}`);
for (const shop of sim.ctx.shops.keys()) console.log(`  admin: ${sim.ctx.hooks!.adminUrl(shop)}`);

const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
