import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, DataTable, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { loadCustomerDetail } from "../models/customer-detail.server";
import { formatDateTime, formatFixed, formatMoney, formatMoneyMinor, formatPercent } from "../domain/format";
import { TRAIT_LABELS } from "../domain/trait-labels";
import type { WritableTrait } from "../domain/settings";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const detail = await loadCustomerDetail(session.shop, params.id);
  if (!detail) throw new Response("Customer not found in this shop", { status: 404 });
  return detail;
};

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack gap="100">
      <Text as="p" tone="subdued" variant="bodySm">{label}</Text>
      <Text as="p" variant="headingLg">{value}</Text>
    </BlockStack>
  );
}

export default function CustomerDetail() {
  const d = useLoaderData<typeof loader>();
  const s = d.score;
  return (
    <Page
      title={`Customer ${d.customerId}`}
      backAction={{ content: "Segments", url: "/app" }}
      secondaryActions={[{ content: "Open in Shopify admin", url: `shopify:admin/customers/${d.customerId}`, target: "_top" }]}
    >
      <Layout>
        {d.deleted ? (
          <Layout.Section>
            <Banner tone="warning" title="This customer was deleted in Shopify" />
          </Layout.Section>
        ) : null}
        {!s ? (
          <Layout.Section>
            <Banner tone="info" title="Not scored">This customer has no counted order, so there is no score.</Banner>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <Card>
                <BlockStack gap="400">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h2" variant="headingLg">{s.segmentName}</Text>
                    <Badge>{`R ${s.r} · F ${s.f} · M ${s.m}`}</Badge>
                    <Badge tone={s.model === "bgnbd" ? "success" : "attention"}>{s.model === "bgnbd" ? "BG/NBD model" : "Heuristic"}</Badge>
                    {s.holdout ? <Badge tone="info">Holdout group</Badge> : null}
                  </InlineStack>
                  <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
                    <Figure label="Churn probability" value={formatPercent(s.churnProbability)} />
                    <Figure label="Expected purchases, 90 days" value={formatFixed(s.expectedPurchases90d)} />
                    <Figure label="Predicted 12-month value" value={formatMoney(s.predictedClv12m, d.currency)} />
                    <Figure label="Total spent" value={formatMoneyMinor(s.monetaryMinor, d.currency)} />
                    <Figure label="Orders" value={String(s.frequency)} />
                    <Figure label="Days since last order" value={String(s.recencyDays)} />
                    <Figure label="P(still active)" value={formatPercent(s.pAlive)} />
                    <Figure label="Scored" value={formatDateTime(s.asOf)} />
                    <Figure label="Expected next order" value={s.expectedNextOrderDate ?? "—"} />
                    <Figure label="Churn model" value={s.churnModel} />
                  </InlineGrid>
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">Why</Text>
                  <ul style={{ margin: 0, paddingInlineStart: "1.25rem" }}>
                    {s.reasons.map((r, i) => (
                      <li key={i}>
                        <Text as="span">{r}</Text>
                      </li>
                    ))}
                  </ul>
                </BlockStack>
              </Card>
            </Layout.Section>
          </>
        )}
        {s ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Traits</Text>
                {s.traits.length === 0 ? (
                  <Text as="p" tone="subdued">No behavioural trait.</Text>
                ) : (
                  <ul style={{ margin: 0, paddingInlineStart: "1.25rem" }}>
                    {s.traits.map((t) => (
                      <li key={t.key}>
                        <Text as="span" fontWeight="semibold">{TRAIT_LABELS[t.key as WritableTrait]?.name ?? t.key}</Text>
                        <Text as="span">{t.text ? ` — ${t.text}` : ""}</Text>
                        <Text as="p" tone="subdued">{TRAIT_LABELS[t.key as WritableTrait]?.definition ?? ""}</Text>
                      </li>
                    ))}
                  </ul>
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Segment history</Text>
              {d.transitions.length === 0 ? (
                <Text as="p" tone="subdued">No segment recorded yet.</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text"]}
                  headings={["When", "From", "To", "Why"]}
                  rows={d.transitions.map((t) => [
                    formatDateTime(t.at),
                    t.fromName ?? "(first score)",
                    t.toName,
                    t.why ?? "",
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
