import { lazy, Suspense, useEffect, useState } from "react";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, DataTable, InlineStack, Layout, Page, SkeletonBodyText, Text } from "@shopify/polaris";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { authenticate } from "../shopify.server";
import { PageLoadError } from "../components/page-load-error";
import { loadModelQuality, sampleScoredCustomers } from "../models/model-quality.server";
import { ShopifyAdminClient, type GraphqlFunction } from "../shopify/admin-client.server";
import { RFM_IDS_PER_QUERY, customerRfmGroups } from "../shopify/customer-rfm.server";
import { SHOPIFY_RFM_GROUP_NAMES, rfmAgreement, type RfmAgreement } from "../domain/model-quality";
import { formatCount, formatDateTime, formatFixed, formatMoneyMinor, formatPercent } from "../domain/format";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

/** Customers whose Shopify RFM group is read for the comparison: one nodes(ids:) query. */
const RFM_SAMPLE = RFM_IDS_PER_QUERY;

type RfmComparison = { available: true; agreement: RfmAgreement } | { available: false; reason: string };

async function compareWithShopify(shop: string, graphql: GraphqlFunction): Promise<RfmComparison> {
  const sample = await sampleScoredCustomers(shop, RFM_SAMPLE);
  if (sample.length === 0) return { available: false, reason: "no customer is scored yet" };
  let groups;
  try {
    groups = await customerRfmGroups(new ShopifyAdminClient(shop, graphql), sample.map((s) => s.customerId));
  } catch (error) {
    return { available: false, reason: `Shopify did not answer (${error instanceof Error ? error.message : String(error)})` };
  }
  const groupOf = new Map(groups.map((g) => [g.customerId, g.rfmGroup]));
  const agreement = rfmAgreement(sample.map((s) => ({ segment: s.segment, rfmGroup: groupOf.get(s.customerId) ?? null })));
  return agreement ? { available: true, agreement } : { available: false, reason: `Shopify has no RFM group for any of the ${formatCount(sample.length)} customers asked about` };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const quality = await loadModelQuality(session.shop);
  if (!quality) throw new Response("Shop not installed", { status: 404 });
  const rfm: RfmComparison | null = quality.scored ? await compareWithShopify(session.shop, admin.graphql as GraphqlFunction) : null;
  return { ...quality, rfm };
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const PATH = "/app/model";
const CHART_HEIGHT = 300;
// Loaded in the browser only: polaris-viz needs `window` to render.
const CalibrationChart = lazy(() => import("../components/calibration-chart"));

const metric = (v: number | null, digits = 3) => (v === null ? "–" : formatFixed(v, digits));

function ChallengersCard({ d }: { d: Data }) {
  const c = d.champion!;
  return (
    <Card padding="0">
      <BlockStack gap="200">
        <Box paddingBlockStart="400" paddingInline="400">
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Churn models, checked on a window they never saw</Text>
            <Text as="p">
              {`In use: ${c.name}. Each model was trained on this shop's orders before ${c.windowFrom?.slice(0, 10) ?? "–"} only, then asked who would not order in the ${c.windowDays} days after: ${formatCount(c.customers)} customers, of whom ${formatCount(c.churned)}${c.customers ? ` (${formatPercent(c.churned / c.customers)})` : ""} did not. The one with the lowest log-loss is used.`}
            </Text>
            <Text as="p" tone="subdued">{`Selection: ${c.reason}.${c.note ? ` ${c.note}` : ""}`}</Text>
          </BlockStack>
        </Box>
        <DataTable
          columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric"]}
          headings={["Model", "Calibration", "AUC ↑", "Log-loss ↓", "Brier ↓", "Calibration error ↓"]}
          rows={d.rows.map((r) => [
            <InlineStack key={r.model} gap="200" blockAlign="center">
              <span>{r.name}</span>
              {r.inUse ? <Badge tone="success">In use</Badge> : null}
            </InlineStack>,
            r.calibration ? (r.calibration === "platt" ? "Platt" : "Isotonic") : "–",
            metric(r.auc),
            metric(r.logLoss),
            metric(r.brier),
            metric(r.ece),
          ])}
        />
        <Box paddingBlockEnd="400" paddingInline="400">
          <Text as="p" variant="bodySm" tone="subdued">
            AUC: how well a model ranks who churns above who does not (0.5 is guessing, 1 is perfect). Log-loss and Brier: how close the probabilities were to what
            happened (lower is better). Calibration error: the average gap between predicted and actual churn. The baselines are days since the last order (a ranking,
            so AUC only) and giving everyone the window&apos;s churn rate.
          </Text>
        </Box>
      </BlockStack>
    </Card>
  );
}

function CalibrationCard({ calibration }: { calibration: NonNullable<Data["calibration"]> }) {
  // The chart is drawn after hydration; until then (and on the server) a placeholder of its height.
  const [inBrowser, setInBrowser] = useState(false);
  useEffect(() => setInBrowser(true), []);
  const placeholder = (
    <div style={{ height: CHART_HEIGHT }} aria-busy="true">
      <SkeletonBodyText lines={8} />
    </div>
  );
  const where =
    calibration.source === "champion"
      ? `on the ${calibration.windowDays} days it had not seen`
      : `fitted before the last ${calibration.windowDays} days and checked against them`;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Calibration by decile</Text>
        <Text as="p">
          {`Customers ranked by predicted churn probability and split into ten equal groups (1 = least likely to churn). For each group, the average probability that ${calibration.name} predicted ${where}, next to the share who did not order. Bars of equal height mean the probabilities can be taken at face value.`}
        </Text>
        {inBrowser ? (
          <Suspense fallback={placeholder}>
            <CalibrationChart deciles={calibration.deciles} height={CHART_HEIGHT} />
          </Suspense>
        ) : (
          placeholder
        )}
        <DataTable
          columnContentTypes={["text", "numeric", "text", "numeric", "numeric"]}
          headings={["Group", "Customers", "Predicted range", "Predicted churn", "Churned"]}
          increasedTableDensity
          rows={calibration.deciles.map((x) => [
            String(x.decile),
            formatCount(x.customers),
            `${formatPercent(x.minPredicted, 1)} – ${formatPercent(x.maxPredicted, 1)}`,
            formatPercent(x.predicted, 1),
            formatPercent(x.observed, 1),
          ])}
        />
      </BlockStack>
    </Card>
  );
}

function ValueCard({ a, currency }: { a: NonNullable<Data["accuracy"]>; currency: string }) {
  const deciles = a.valueDeciles;
  const actualTotal = a.actualValueTotalMinor ?? 0;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Predicted vs actual value</Text>
        <Text as="p">
          {`The value model (${a.model === "bgnbd" ? "BG/NBD + Gamma-Gamma" : "the simple rule"}) fitted on the orders before ${a.cutoff.slice(0, 10)} and checked against the ${a.horizonDays} days since: ${formatCount(a.customers)} customers, ranked by predicted spend over those days (expected purchases × expected spend per purchase, the parts of the 12-month value) and split into ten equal groups, 10 = highest.`}
        </Text>
        {deciles && deciles.length ? (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
            headings={["Group", "Customers", "Predicted per customer", "Actual per customer", "Share of actual revenue"]}
            increasedTableDensity
            rows={[...deciles].reverse().map((x) => [
              String(x.decile),
              formatCount(x.customers),
              formatMoneyMinor(Math.round(x.predictedMeanMinor), currency),
              formatMoneyMinor(Math.round(x.actualMeanMinor), currency),
              actualTotal > 0 ? formatPercent(x.actualTotalMinor / actualTotal, 1) : "–",
            ])}
            totals={[
              "",
              formatCount(a.customers),
              formatMoneyMinor(Math.round(a.predictedValueTotalMinor ?? 0), currency),
              formatMoneyMinor(Math.round(actualTotal), currency),
              actualTotal > 0 ? formatPercent(1, 1) : "–",
            ]}
            totalsName={{ singular: "Total", plural: "Total" }}
            showTotalsInFooter
          />
        ) : (
          <Text as="p" tone="subdued">The decile table appears after the next recompute.</Text>
        )}
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric"]}
          headings={["Purchases in the window", "Model", "Same rate as before (baseline)", "Actual"]}
          rows={[
            ["Mean absolute error per customer (lower is better)", formatFixed(a.expectedPurchasesMae, 3), formatFixed(a.baselineMae, 3), "–"],
            ["Total", formatFixed(a.expectedPurchasesTotal, 0), formatFixed(a.baselinePurchasesTotal, 0), formatCount(a.actualPurchasesTotal)],
          ]}
        />
      </BlockStack>
    </Card>
  );
}

function RfmCard({ rfm }: { rfm: NonNullable<Data["rfm"]> }) {
  if (!rfm.available) {
    return (
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">Agreement with Shopify&apos;s RFM groups</Text>
          <Text as="p" tone="subdued">{`Not available: ${rfm.reason}.`}</Text>
        </BlockStack>
      </Card>
    );
  }
  const a = rfm.agreement;
  const ci = (i: { low: number; high: number }) => `95 % CI ${formatPercent(i.low, 1)} to ${formatPercent(i.high, 1)}`;
  return (
    <Card padding="0">
      <BlockStack gap="200">
        <Box paddingBlockStart="400" paddingInline="400">
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Agreement with Shopify&apos;s RFM groups</Text>
            <Text as="p">
              {`Shopify puts customers in RFM groups of its own (customer statistics). Of a fixed sample of ${formatCount(a.sampled)} scored customers, read from Shopify now, ${formatCount(a.withGroup)} have a group: ${formatCount(a.matches)} (${formatPercent(a.matchShare, 1)}, ${ci(a.matchInterval)}) are in the group that corresponds to their segment here, and ${formatCount(a.recencyMatches)} (${formatPercent(a.recencyShare, 1)}, ${ci(a.recencyInterval)}) agree on whether they bought recently.`}
            </Text>
            <Text as="p" tone="subdued">
              Shopify computes its groups from all orders with thresholds it does not publish; the segments here follow the segment map in Settings and this shop&apos;s
              own quintiles, so some disagreement is expected. Rows: segment here (and the corresponding Shopify group); columns: Shopify&apos;s group.
            </Text>
          </BlockStack>
        </Box>
        <DataTable
          columnContentTypes={["text", ...a.groups.map(() => "numeric" as const), "numeric"]}
          headings={["Segment (Shopify's match)", ...a.groups.map((g) => SHOPIFY_RFM_GROUP_NAMES[g] ?? g), "Customers"]}
          increasedTableDensity
          rows={a.rows.map((r) => [
            `${r.name}${r.expected ? ` (${SHOPIFY_RFM_GROUP_NAMES[r.expected]})` : ""}`,
            ...r.counts.map((n, i) => (a.groups[i] === r.expected ? <b key={i}>{formatCount(n)}</b> : formatCount(n))),
            formatCount(r.total),
          ])}
        />
      </BlockStack>
    </Card>
  );
}

export default function ModelQuality() {
  const d = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === PATH;
  return (
    <Page title="Model quality" subtitle={d.lastScoredAt ? `Scores as of ${formatDateTime(d.lastScoredAt)}` : undefined} backAction={{ content: "Segments", url: "/app" }}>
      <Layout>
        {!d.scored ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Not scored yet</Text>
                <Text as="p">The models are fitted and checked once the order history is synced. This page fills in after the first scoring.</Text>
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : (
          <Layout.Section>
            <div aria-busy={loading} style={{ opacity: loading ? 0.5 : 1, transition: "opacity 150ms" }}>
              <BlockStack gap="400">
                {d.smallShop ? (
                  <Banner tone="info" title="Too little history for a model of this shop's own">
                    <p>{`Churn comes from a simple rule, days since the last order against the shop's typical gap between orders, and is labelled as such everywhere. Why: ${d.smallShop}. The models are tried again at every recompute and take over once they can be checked.`}</p>
                  </Banner>
                ) : null}
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">Verdict</Text>
                    {d.verdict.map((s, i) => (
                      <Text key={i} as="p">{s}</Text>
                    ))}
                  </BlockStack>
                </Card>
                {d.champion && d.rows.length ? <ChallengersCard d={d} /> : null}
                {d.calibration ? (
                  <CalibrationCard calibration={d.calibration} />
                ) : (
                  <Card>
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingMd">Calibration by decile</Text>
                      <Text as="p" tone="subdued">{`Not measured: ${d.calibrationMissing}.`}</Text>
                    </BlockStack>
                  </Card>
                )}
                {d.accuracy ? (
                  <ValueCard a={d.accuracy} currency={d.currency} />
                ) : (
                  <Card>
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingMd">Predicted vs actual value</Text>
                      <Text as="p" tone="subdued">{`Not measured: ${d.accuracyReason ?? "no result yet"}.`}</Text>
                    </BlockStack>
                  </Card>
                )}
                {d.rfm ? <RfmCard rfm={d.rfm} /> : null}
                <Text as="p" tone="subdued">
                  The churn horizon and the segment map are in <Link to="/app/settings">Settings</Link>; a change there refits and rechecks everything.
                </Text>
              </BlockStack>
            </div>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}

// A failure while loading: said in the page, with a way to retry.
export function ErrorBoundary() {
  return <PageLoadError title="Model quality" path={PATH} failed="The model figures could not be loaded" detail="Something went wrong while reading the models. Try again in a moment." />;
}
