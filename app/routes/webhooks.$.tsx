// Every webhook URI declared in shopify.app.toml lands here: the topic comes
// from the signed X-Shopify-Topic header, not from the path.
import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive.server";

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request);
