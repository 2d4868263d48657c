// Prometheus scrape endpoint of the web process (docs/operations.md, "Metrics"):
// this process's metrics in the text format, behind `Authorization: Bearer
// <METRICS_TOKEN>` when that is set. Queue depths are read from Redis here.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { metricsResponse } from "../metrics.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { status, contentType, body } = await metricsResponse(request.headers.get("authorization"));
  return new Response(body, { status, headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
};
