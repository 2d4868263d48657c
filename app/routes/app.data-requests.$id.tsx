// One data request's record as a JSON download (a resource route: no UI).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { loadDataRequest } from "../models/data-requests.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const found = await loadDataRequest(session.shop, params.id ?? "");
  if (!found) throw new Response("Data request not found in this shop", { status: 404 });
  const day = found.receivedAt.slice(0, 10);
  return new Response(JSON.stringify(found.record, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="data-request-${found.requestId ?? params.id}-${day}.json"`,
    },
  });
};
