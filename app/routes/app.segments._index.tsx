import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, isRouteErrorResponse, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Card, DataTable, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { loadSegmentIndex, type GroupSize } from "../models/segment-customers.server";
import { formatCount, formatDateTime, formatPercent } from "../domain/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadSegmentIndex(session.shop);
};

/** A table of groups, each name linking to its page. */
function GroupTable({ groups, withDescription, loading }: { groups: GroupSize[]; withDescription: boolean; loading: boolean }) {
  // While another page loads the table dims rather than turning into a skeleton: swapping it out
  // and back moved the page (layout shift counted in CLS when the load outlasts 500 ms).
  return (
    <div aria-busy={loading} style={{ opacity: loading ? 0.5 : 1, transition: "opacity 150ms" }}>
    <DataTable
      columnContentTypes={withDescription ? ["text", "text", "numeric", "numeric"] : ["text", "numeric", "numeric"]}
      headings={withDescription ? ["Name", "What it means", "Customers", "Share"] : ["Segment", "Customers", "Share"]}
      rows={groups.map((g) => [
        <Link key={g.key} to={`/app/segments/${g.key}`}>{g.name}</Link>,
        ...(withDescription ? [g.description ?? ""] : []),
        formatCount(g.customers),
        formatPercent(g.share, 1),
      ])}
    />
    </div>
  );
}

export default function Segments() {
  const d = useLoaderData<typeof loader>();
  const loading = useNavigation().state === "loading";
  return (
    <Page title="Segments and traits" subtitle={d.lastScoredAt ? `Scores as of ${formatDateTime(d.lastScoredAt)}` : undefined} backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        {!d.installed ? (
          <Layout.Section>
            <Banner tone="info" title="Installing">The app is being set up for this shop.</Banner>
          </Layout.Section>
        ) : d.scoredCustomers === 0 ? (
          <Layout.Section>
            <Banner tone="info" title="No scores yet">Segments fill in once the order history is synced and scored.</Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            <BlockStack gap="200">
              <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
                <Text as="h2" variant="headingMd">RFM segments</Text>
                <Text as="p" tone="subdued">Every customer is in exactly one, named from their recency and frequency scores.</Text>
              </div>
              <GroupTable groups={d.segments} withDescription={false} loading={loading} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <BlockStack gap="200">
              <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
                <Text as="h2" variant="headingMd">Behavioural traits</Text>
                <Text as="p" tone="subdued">A customer can carry several, or none.</Text>
              </div>
              <GroupTable groups={d.traits} withDescription loading={loading} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <BlockStack gap="200">
              <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
                <Text as="h2" variant="headingMd">Segments found in your data</Text>
              </div>
              {!d.discovered ? (
                <div style={{ padding: "0 var(--p-space-400) var(--p-space-400)" }}>
                  <Text as="p" tone="subdued">They appear after the next full recompute.</Text>
                </div>
              ) : d.discovered.segments.length === 0 ? (
                <div style={{ padding: "0 var(--p-space-400) var(--p-space-400)" }}>
                  <Text as="p" tone="subdued">None: {d.discovered.reason ?? "not enough customers"}.</Text>
                </div>
              ) : (
                <GroupTable groups={d.discovered.segments} withDescription loading={loading} />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  // Shopify's auth responses (as the app layout's boundary shows them; boundary.error tells them by a
  // class name the client build minifies away).
  if (isRouteErrorResponse(error)) return <div dangerouslySetInnerHTML={{ __html: typeof error.data === "string" && error.data ? error.data : "Handling response" }} />;
  return (
    <Page title="Segments and traits">
      <Banner tone="critical" title="The segments could not be loaded">
        <p>Try again in a moment, or reopen the app from your Shopify admin.</p>
      </Banner>
    </Page>
  );
}
