// Customer data requests (customers/data_request) received for this shop, each with a download
// of everything the app held on that customer when it arrived.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { listDataRequests } from "../models/data-requests.server";
import { formatDateTime } from "../domain/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { requests: await listDataRequests(session.shop) };
};

export default function DataRequests() {
  const { requests } = useLoaderData<typeof loader>();
  return (
    <Page title="Customer data requests" backAction={{ content: "Settings", url: "/app/settings" }}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="p" tone="subdued">
                When a customer asks a shop for their data, Shopify tells the app. Each request below has a record of everything the app held on that customer
                when it arrived: ids, scores, traits, segment moves and order totals. The app stores no names, emails, phone numbers or addresses.
              </Text>
              {requests.length === 0 ? (
                <Text as="p">No data request yet.</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text"]}
                  headings={["Received (UTC)", "Shopify request id", "Customer", "Record"]}
                  rows={requests.map((r) => [
                    formatDateTime(r.receivedAt),
                    r.requestId ?? "—",
                    r.customerId,
                    <a key={r.id} href={`/app/data-requests/${r.id}`} download>
                      Download (JSON)
                    </a>,
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
