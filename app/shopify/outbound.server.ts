// Routes the app's outbound Shopify traffic. In production requests go to
// https://{shop}/...; with SHOPIFY_SIMULATOR_URL set, the same requests go to
// {simulator}/store/{shop}/... . This is the only code path that differs.
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

export function simulatorUrlFor(input: string, simulatorUrl: string): string {
  const url = new URL(input);
  if (url.protocol !== "https:" || !SHOP_HOST.test(url.hostname)) return input;
  const base = simulatorUrl.replace(/\/$/, "");
  return `${base}/store/${url.hostname}${url.pathname}${url.search}`;
}

export function createRoutedFetch(simulatorUrl: string | undefined, baseFetch: typeof fetch = globalThis.fetch): typeof fetch {
  if (!simulatorUrl) return baseFetch;
  return (input, init) => {
    const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const routed = simulatorUrlFor(href, simulatorUrl);
    if (typeof input === "string" || input instanceof URL) return baseFetch(routed, init);
    return baseFetch(new Request(routed, input), init);
  };
}

/** Points @shopify/shopify-api's HTTP layer at the routed fetch. */
export function routeShopifyTraffic(simulatorUrl: string | undefined): void {
  setAbstractFetchFunc(createRoutedFetch(simulatorUrl));
}
