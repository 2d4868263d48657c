// A whole segment (or trait, or discovered segment) as CSV, streamed: rows are read from
// PostgreSQL in keyset batches as the client takes them (ReadableStream pull), so a
// 200,000-customer segment never sits in memory. The page's churn band and trait filters apply.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { findSegmentGroup, readSegmentExport } from "../models/segment-customers.server";
import { segmentExportFileName, segmentExportHeader, segmentExportRecord } from "../domain/csv";
import { parseListQuery } from "../domain/segment-list";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const found = await findSegmentGroup(session.shop, params.key);
  if (!found) return new Response("Segment not found in this shop", { status: 404 });
  const parsed = parseListQuery(new URL(request.url).searchParams);
  if (!parsed.ok) return new Response(parsed.error, { status: 400 });
  const batches = readSegmentExport(found, parsed.query);
  // The first batch is read before the response starts: a database that fails now answers 500;
  // a failure later can only cut the download short.
  const first = await batches.next();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(segmentExportHeader() + (first.done ? "" : first.value.map(segmentExportRecord).join(""))));
      if (first.done) controller.close();
    },
    async pull(controller) {
      const next = await batches.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value.map(segmentExportRecord).join("")));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${segmentExportFileName(found.key, new Date())}"`,
      "Cache-Control": "no-store",
    },
  });
};
