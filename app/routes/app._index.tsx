import { lazy, Suspense, useEffect, useState, type ReactNode } from "react";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  ProgressBar,
  SkeletonBodyText,
  Text,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { authenticate } from "../shopify.server";
import { loadDashboard, type AccessView } from "../models/dashboard.server";
import { modelAccuracySentence } from "../domain/model-summary";
import { TRAIT_LABELS } from "../domain/trait-labels";
import type { WritableTrait } from "../domain/settings";
import {
  formatCount,
  formatDateTime,
  formatDuration,
  formatFixed,
  formatMoney,
  formatMoneyMinor,
  formatPercent,
  formatShortDateTime,
} from "../domain/format";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadDashboard(session.shop);
};

const CHART_HEIGHT = 360;
// Loaded in the browser only: polaris-viz reads `window` while it renders.
const SegmentShareChart = lazy(() => import("../components/segment-share-chart"));

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const SYNC_TONE: Record<string, "info" | "success" | "critical" | "attention"> = {
  pending: "attention",
  running: "info",
  completed: "success",
  failed: "critical",
};

function SyncCard({ sync }: { sync: NonNullable<Data["sync"]> }) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">Order history sync</Text>
          <Badge tone={SYNC_TONE[sync.status]}>{sync.status}</Badge>
        </InlineStack>
        {sync.percent !== null ? <ProgressBar progress={sync.percent} size="small" tone={sync.status === "failed" ? "critical" : "primary"} /> : null}
        <Text as="p" tone="subdued">
          {sync.rowsTotal ? `${formatCount(sync.rowsDone)} of ${formatCount(sync.rowsTotal)} records` : `${formatCount(sync.rowsDone)} records`}
          {sync.percent !== null ? ` (${sync.percent} %)` : ""}
          {sync.etaSeconds !== null ? `, about ${formatDuration(sync.etaSeconds)} left` : ""}
          {sync.startedAt ? `. Started ${formatDateTime(sync.startedAt)}` : ""}
          {sync.completedAt && sync.status === "completed" ? `, finished ${formatDateTime(sync.completedAt)}` : ""}
        </Text>
        {sync.error ? (
          <Banner tone="critical" title="The sync failed">
            <p>{sync.error}</p>
          </Banner>
        ) : null}
      </BlockStack>
    </Card>
  );
}

/** One headline figure: a label, the number, and what it counts. */
function Metric({ label, value, children }: { label: string; value: string; children: ReactNode }) {
  return (
    <Card>
      <div role="group" aria-label={label}>
        <BlockStack gap="200">
          <Text as="h2" variant="headingSm" tone="subdued">{label}</Text>
          <Text as="p" variant="heading2xl">{value}</Text>
          <Text as="p" variant="bodySm" tone="subdued">{children}</Text>
        </BlockStack>
      </div>
    </Card>
  );
}

function Headline({ h, currency, holdout }: { h: Data["headline"]; currency: string; holdout: number }) {
  const championsCustomerShare = h.scoredCustomers ? h.championsCustomers / h.scoredCustomers : 0;
  return (
    <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="400">
      <Metric label="Customers scored" value={formatCount(h.scoredCustomers)}>
        {`${formatCount(holdout)} of them in the holdout group, left out of campaigns.`}
      </Metric>
      <Metric label="Revenue at risk" value={formatMoney(h.revenueAtRisk, currency)}>
        {`Predicted 12-month value of the ${formatCount(h.atRiskCustomers)} ${h.atRiskCustomers === 1 ? "customer" : "customers"} with a churn probability of 50 % or more.`}
      </Metric>
      <Metric label="Champions' share of revenue" value={formatPercent(h.championsRevenueShare, 1)}>
        {`${formatMoneyMinor(h.championsMonetaryMinor, currency)} of ${formatMoneyMinor(h.totalMonetaryMinor, currency)} spent, by ${formatCount(h.championsCustomers)} Champions (${formatPercent(championsCustomerShare, 1)} of customers).`}
      </Metric>
      <Metric label="Moved this week" value={formatCount(h.movedThisWeek)}>
        {`Customers who changed segment in the last ${h.movedWindowDays} days. `}
        <Link url="/app/migration">See the migration</Link>
      </Metric>
    </InlineGrid>
  );
}

function ModelCard({ model }: { model: Data["model"] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">Model in use</Text>
          {model ? (
            <Badge tone={model.kind === "bgnbd" ? "success" : "attention"}>
              {model.kind === "bgnbd" ? "BG/NBD + Gamma-Gamma" : "Heuristic (simple rule)"}
            </Badge>
          ) : null}
        </InlineStack>
        {model ? (
          <>
            <Text as="p">{modelAccuracySentence(model)}</Text>
            {model.fallbackReason ? <Text as="p" tone="subdued">Predicted value uses the simple rule: {model.fallbackReason}.</Text> : null}
            <Text as="p" tone="subdued">
              {`Fitted ${formatDateTime(model.fittedAt)} on ${formatCount(model.customers)} customers (${formatCount(model.repeatCustomers)} repeat buyers); churn horizon ${model.horizonDays} days. `}
              <Link url="/app/model">See the model quality</Link>
            </Text>
          </>
        ) : (
          <Text as="p" tone="subdued">Not scored yet: scores appear once the order history is synced.</Text>
        )}
      </BlockStack>
    </Card>
  );
}

/** The segment sizes as a chart (browser only) over the same rows as the table. */
function SegmentChart({ segments }: { segments: Data["segments"] }) {
  const [inBrowser, setInBrowser] = useState(false);
  useEffect(() => setInBrowser(true), []);
  const placeholder = (
    <div style={{ height: CHART_HEIGHT }} aria-busy="true" aria-label="Loading the chart">
      <SkeletonBodyText lines={10} />
    </div>
  );
  if (!inBrowser) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <SegmentShareChart segments={segments.map((s) => ({ name: s.name, customerShare: s.share, revenueShare: s.revenueShare }))} height={CHART_HEIGHT} />
    </Suspense>
  );
}

function SegmentsCard({ segments, currency }: { segments: Data["segments"]; currency: string }) {
  const totals = segments.reduce(
    (t, s) => ({ customers: t.customers + s.customers, minor: t.minor + Number(s.monetaryMinor), clv: t.clv + s.predictedClv12m }),
    { customers: 0, minor: 0, clv: 0 },
  );
  return (
    <Card padding="0">
      <BlockStack gap="200">
        <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Segments</Text>
            {segments.length === 0 ? (
              <Text as="p" tone="subdued">No customer is scored yet: the segments appear with the first scores.</Text>
            ) : (
              <>
                <Text as="p" tone="subdued">Each segment&apos;s share of the scored customers and of what they spent.</Text>
                <SegmentChart segments={segments} />
              </>
            )}
          </BlockStack>
        </div>
        {segments.length === 0 ? null : (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
            headings={["Segment", "Customers", "Share", "Total spent", "Revenue share", "Avg. churn probability", "Predicted 12-month value"]}
            rows={segments.map((s) => [
              <Link key={s.segment} url={`/app/segments/${s.segment}`} removeUnderline>{s.name}</Link>,
              formatCount(s.customers),
              formatPercent(s.share, 1),
              formatMoneyMinor(s.monetaryMinor, currency),
              formatPercent(s.revenueShare, 1),
              formatPercent(s.avgChurnProbability),
              formatMoney(s.predictedClv12m, currency),
            ])}
            totals={["", formatCount(totals.customers), formatPercent(1), formatMoneyMinor(totals.minor, currency), formatPercent(1), "", formatMoney(totals.clv, currency)]}
            showTotalsInFooter
          />
        )}
      </BlockStack>
    </Card>
  );
}

function TraitsCard({ traits, scored }: { traits: Data["traits"]; scored: number }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Behavioural traits</Text>
        <Text as="p" tone="subdued">A customer can carry several. Each is a published definition, tagged in Shopify and usable in Flow.</Text>
        {traits.length === 0 ? (
          <Text as="p" tone="subdued">{scored ? "No customer carries a trait yet." : "Traits appear with the first scores."}</Text>
        ) : (
          <BlockStack gap="300">
            {traits.map((t) => {
              const label = TRAIT_LABELS[t.trait as WritableTrait];
              return (
                <InlineGrid key={t.trait} columns="1fr auto" gap="400">
                  <BlockStack gap="050">
                    <Link url={`/app/segments/trait:${t.trait}`} removeUnderline>{label?.name ?? t.trait}</Link>
                    <Text as="p" variant="bodySm" tone="subdued">{label?.definition ?? ""}</Text>
                  </BlockStack>
                  <BlockStack inlineAlign="end" gap="050">
                    <Text as="p" numeric>{formatCount(t.customers)}</Text>
                    <Text as="p" variant="bodySm" tone="subdued" numeric>{formatPercent(t.share, 1)}</Text>
                  </BlockStack>
                </InlineGrid>
              );
            })}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

function DiscoveredCard({ discovered, currency }: { discovered: NonNullable<Data["discovered"]>; currency: string }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Segments found in your data</Text>
        {discovered.segments.length === 0 ? (
          <Text as="p" tone="subdued">None: {discovered.reason}</Text>
        ) : (
          <>
            <Text as="p" tone="subdued">
              {`${discovered.k} groups of customers who behave alike (k-means on order frequency, recency, order value, discount share, category concentration and gaps; silhouette ${formatFixed(discovered.silhouette ?? 0, 2)}).`}
            </Text>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric"]}
              headings={["What sets them apart", "Customers", "Share", "Spent per customer"]}
              rows={discovered.segments.map((s) => [<Link key={s.id} url={`/app/segments/cluster:${s.id}`} removeUnderline>{s.label}</Link>, formatCount(s.customers), formatPercent(s.share, 1), formatMoneyMinor(s.spendPerCustomerMinor, currency)])}
            />
          </>
        )}
      </BlockStack>
    </Card>
  );
}

const TOP_MOVES = 8;

/** Shopify access lost (background work paused) or back after a lapse. */
function AccessBanner({ access }: { access: AccessView }) {
  if (!access) return null;
  return (
    <Layout.Section>
      {access.state === "reauth-required" ? (
        <Banner tone="critical" title="Shopify access has lapsed">
          Since {formatDateTime(access.since)} Shopify has refused the app&apos;s refresh token
          {access.reason ? ` (${access.reason})` : ""}, so tags, segments, Flow triggers and syncs are paused. Opening the app
          from the Shopify admin renews access.
        </Banner>
      ) : (
        <Banner tone="info" title="Shopify access was renewed">
          Access lapsed on {formatDateTime(access.lapsedAt)} and was renewed on {formatDateTime(access.restoredAt)}. Background
          work has resumed and a full sync was queued to catch up.
        </Banner>
      )}
    </Layout.Section>
  );
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const { shop, sync, model, segments, migrations, recentTransitions } = data;
  const currency = shop?.currency ?? "USD";
  const syncing = sync && sync.status !== "completed";
  return (
    <Page title="Customer segments" subtitle={shop?.lastScoredAt ? `Scores as of ${formatDateTime(shop.lastScoredAt)}` : undefined}>
      <Layout>
        <AccessBanner access={data.access} />
        {shop?.historyLimited ? (
          <Layout.Section>
            <Banner tone="warning" title="Only the last 60 days of orders are visible">
              The read_all_orders scope was not granted, so scores would rest on a partial history.
            </Banner>
          </Layout.Section>
        ) : null}
        {!shop ? (
          <Layout.Section>
            <Banner tone="info" title="Installing">The app is being set up for this shop.</Banner>
          </Layout.Section>
        ) : null}
        {sync && (syncing || data.scoredCustomers === 0) ? (
          <Layout.Section>
            <SyncCard sync={sync} />
          </Layout.Section>
        ) : null}
        {data.scoredCustomers > 0 ? (
          <Layout.Section>
            <Headline h={data.headline} currency={currency} holdout={data.holdoutCustomers} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <SegmentsCard segments={segments} currency={currency} />
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <ModelCard model={model} />
            {sync && !syncing && data.scoredCustomers > 0 ? <SyncCard sync={sync} /> : null}
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <TraitsCard traits={data.traits} scored={data.scoredCustomers} />
        </Layout.Section>
        {data.discovered ? (
          <Layout.Section>
            <DiscoveredCard discovered={data.discovered} currency={currency} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">Recent moves</Text>
              {recentTransitions.length === 0 ? (
                <Text as="p" tone="subdued">None yet.</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text"]}
                  headings={["Customer", "Move", "When (UTC)"]}
                  increasedTableDensity
                  rows={recentTransitions.map((t) => [
                    <Link key={t.id} url={`/app/customers/${t.customerId}`} removeUnderline>{t.customerId}</Link>,
                    `${t.fromName} → ${t.toName}`,
                    formatShortDateTime(t.at),
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">Biggest moves, last {data.migrationWindowDays} days</Text>
              {migrations.length === 0 ? (
                <Text as="p" tone="subdued">No customer changed segment in this period (first scores are not counted).</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric"]}
                  headings={["Move", "Customers"]}
                  rows={migrations.slice(0, TOP_MOVES).map((m) => [`${m.fromName} → ${m.toName}`, formatCount(m.customers)])}
                />
              )}
              <Text as="p" tone="subdued">
                <Link url="/app/migration">See every move, over 7, 30 or 90 days</Link>
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

// A failure while loading the overview: said in the page, with a way to retry.
// Shopify's own responses (a session to renew, a bounce page) go to the library's boundary.
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) return boundary.error(error);
  return (
    <Page title="Customer segments">
      <Layout>
        <Layout.Section>
          <Banner tone="critical" title="The overview could not be loaded" action={{ content: "Try again", url: "/app" }}>
            <p>Something went wrong while reading this shop&apos;s scores. Try again in a moment.</p>
          </Banner>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
