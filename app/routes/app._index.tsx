import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, DataTable, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { loadDashboard } from "../models/dashboard.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadDashboard(session.shop);
};

export default function Dashboard() {
  const { shop, segments } = useLoaderData<typeof loader>();
  return (
    <Page title="Customer segments">
      <Layout>
        {shop?.historyLimited ? (
          <Layout.Section>
            <Banner tone="warning" title="Only the last 60 days of orders are visible">
              The read_all_orders scope was not granted, so scores would rest on a partial history.
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Sync</Text>
              <Text as="p">
                Status: {shop?.syncStatus ?? "not installed"}
                {shop?.syncRowsTotal ? ` (${shop.syncRowsDone} of ${shop.syncRowsTotal} rows)` : ""}
              </Text>
              {shop?.syncError ? <Text as="p" tone="critical">{shop.syncError}</Text> : null}
              <Text as="p">Model: {shop?.modelKind ?? "not scored yet"}</Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric"]}
              headings={["Segment", "Customers", "Total spent"]}
              rows={segments.map((s) => [s.segment, s.customers, (Number(s.monetaryMinor) / 100).toFixed(2)])}
            />
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
