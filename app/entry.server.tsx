import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify.server";
import { env } from "./env.server";
import { logger } from "./logger.server";

const STREAM_TIMEOUT_MS = 5000;
const SHOPIFY_APP_BRIDGE = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  // Simulator mode: the local admin page embeds the app from the simulator's own origin.
  const csp = responseHeaders.get("Content-Security-Policy");
  if (env.SHOPIFY_SIMULATOR_URL && csp?.includes("frame-ancestors")) {
    responseHeaders.set("Content-Security-Policy", csp.replace("frame-ancestors", `frame-ancestors ${new URL(env.SHOPIFY_SIMULATOR_URL).origin}`));
  }
  // ...and App Bridge comes from the simulator (root.tsx): preload that copy, not Shopify's CDN one the library names.
  const link = responseHeaders.get("Link");
  if (env.SHOPIFY_SIMULATOR_URL && link?.includes(SHOPIFY_APP_BRIDGE)) {
    responseHeaders.set("Link", link.replace(SHOPIFY_APP_BRIDGE, `${env.SHOPIFY_SIMULATOR_URL}/cdn/app-bridge.js`));
  }
  const userAgent = request.headers.get("user-agent");
  const readyEvent = userAgent && isbot(userAgent) ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={STREAM_TIMEOUT_MS} />,
      {
        [readyEvent]() {
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error) {
          reject(error);
        },
        onError(error) {
          responseStatusCode = 500;
          // A render error: one JSON line with the path (no query: it carries the shop's signed parameters) and the stack.
          const err = error instanceof Error ? error : new Error(String(error));
          logger.error({ err, path: new URL(request.url).pathname }, `render error: ${err.name}: ${err.message}`);
        },
      },
    );
    setTimeout(abort, STREAM_TIMEOUT_MS + 1000);
  });
}
