import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { loadDashboard } from "../models/dashboard.server";
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

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadDashboard(session.shop);
};

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

function ModelCard({ model, holdout, scored }: { model: Data["model"]; holdout: number; scored: number }) {
  if (!model) {
    return (
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">Model</Text>
          <Text as="p" tone="subdued">Not scored yet: scores appear once the order history is synced.</Text>
        </BlockStack>
      </Card>
    );
  }
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">Model in use</Text>
          <Badge tone={model.kind === "bgnbd" ? "success" : "attention"}>
            {model.kind === "bgnbd" ? "BG/NBD + Gamma-Gamma" : "Heuristic (simple rule)"}
          </Badge>
        </InlineStack>
        {model.fallbackReason ? (
          <Text as="p">Why the simple rule: {model.fallbackReason}.</Text>
        ) : null}
        <Text as="p" tone="subdued">
          Fitted {formatDateTime(model.fittedAt)} on {formatCount(model.customers)} customers
          ({formatCount(model.repeatCustomers)} repeat buyers); churn horizon {model.horizonDays} days.
        </Text>
        {model.bgnbd ? (
          <Text as="p" tone="subdued">
            BG/NBD (days): r {formatFixed(model.bgnbd.r, 4)}, α {formatFixed(model.bgnbd.alpha, 3)}, a {formatFixed(model.bgnbd.a, 4)}, b {formatFixed(model.bgnbd.b, 4)}
          </Text>
        ) : null}
        {model.kind === "heuristic" ? (
          <Text as="p" tone="subdued">Typical gap between a repeat buyer's orders: {Math.round(model.typicalGapDays)} days.</Text>
        ) : null}
        <Text as="p" tone="subdued">
          Spend:{" "}
          {model.gammaGamma
            ? `Gamma-Gamma p ${formatFixed(model.gammaGamma.p, 3)}, q ${formatFixed(model.gammaGamma.q, 3)}, γ ${formatFixed(model.gammaGamma.gamma, 2)}`
            : "each customer's own average order value"}
        </Text>
        <Text as="p">
          Holdout group: {formatCount(holdout)} customers{scored ? ` (${formatPercent(holdout / scored, 1)} of scored)` : ""}, left out of
          campaigns so their effect can be measured.
        </Text>
      </BlockStack>
    </Card>
  );
}

const CHURN_MODEL_NAMES: Record<string, string> = {
  bgnbd: "BG/NBD",
  supervised: "Supervised (trained on this shop's history)",
  heuristic: "Simple rule (days since last order vs. typical gap)",
  recency: "Days since last order (baseline)",
};

const metric = (value: number | null, digits = 3) => (value === null ? "–" : formatFixed(value, digits));

function ChurnChampionTable({ churn }: { churn: NonNullable<NonNullable<Data["model"]>["churn"]> }) {
  return (
    <>
      <Text as="p">
        Churn probability comes from <b>{CHURN_MODEL_NAMES[churn.model] ?? churn.model}</b>, the model that predicted best on this shop&apos;s own recent
        past: {churn.reason}.{churn.note ? ` ${churn.note}` : ""}
      </Text>
      <DataTable
        columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
        headings={[`Model (checked on a ${churn.windowDays}-day window it never saw)`, "AUC ↑", "Log-loss ↓", "Brier ↓", "Calibration error ↓"]}
        rows={churn.backtest.map((m) => [
          `${CHURN_MODEL_NAMES[m.model] ?? m.model}${m.model === churn.model ? " (in use)" : ""}`,
          metric(m.auc),
          metric(m.logLoss),
          metric(m.brier),
          metric(m.ece),
        ])}
      />
    </>
  );
}

function AccuracyCard({ model }: { model: NonNullable<Data["model"]> }) {
  const a = model.accuracy;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Measured accuracy</Text>
        {model.churn ? <ChurnChampionTable churn={model.churn} /> : null}
        {!a ? (
          <Text as="p" tone="subdued">Not measured: {model.accuracyReason ?? "no result yet"}.</Text>
        ) : (
          <>
            <Text as="p" tone="subdued">
              Fitted on orders before {a.cutoff.slice(0, 10)} and checked against the {a.horizonDays} days since: {formatCount(a.customers)} customers,{" "}
              {formatCount(a.churned)} ({formatPercent(a.churned / a.customers)}) made no purchase.
              {a.model !== model.kind ? ` The check used the ${a.model} model (${a.fallbackReason ?? "enough data then"}).` : ""}
            </Text>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric"]}
              headings={["Measure", "Model", "Baseline"]}
              rows={[
                [
                  "Churn ranking, AUC (higher is better; baseline: days since last order)",
                  a.churnAuc === null ? "–" : formatFixed(a.churnAuc, 3),
                  a.recencyAuc === null ? "–" : formatFixed(a.recencyAuc, 3),
                ],
                [
                  "Purchases per customer, mean abs. error (lower is better; baseline: same rate as before)",
                  formatFixed(a.expectedPurchasesMae, 3),
                  formatFixed(a.baselineMae, 3),
                ],
                [`Purchases in the window, total (actual: ${formatCount(a.actualPurchasesTotal)})`, formatFixed(a.expectedPurchasesTotal, 0), formatFixed(a.baselinePurchasesTotal, 0)],
              ]}
            />
          </>
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
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric"]}
            headings={["Trait", "Definition", "Customers", "Share"]}
            rows={traits.map((t) => {
              const label = TRAIT_LABELS[t.trait as WritableTrait];
              return [label?.name ?? t.trait, label?.definition ?? "", formatCount(t.customers), formatPercent(t.share, 1)];
            })}
          />
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
              rows={discovered.segments.map((s) => [s.label, formatCount(s.customers), formatPercent(s.share, 1), formatMoneyMinor(s.spendPerCustomerMinor, currency)])}
            />
          </>
        )}
      </BlockStack>
    </Card>
  );
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const { shop, sync, model, segments, migrations, recentTransitions } = data;
  const currency = shop?.currency ?? "USD";
  const totals = segments.reduce(
    (t, s) => ({ customers: t.customers + s.customers, minor: t.minor + Number(s.monetaryMinor), clv: t.clv + s.predictedClv12m }),
    { customers: 0, minor: 0, clv: 0 },
  );
  return (
    <Page title="Customer segments" subtitle={shop?.lastScoredAt ? `Scores as of ${formatDateTime(shop.lastScoredAt)}` : undefined}>
      <Layout>
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
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            {sync ? <SyncCard sync={sync} /> : null}
            <ModelCard model={model} holdout={data.holdoutCustomers} scored={data.scoredCustomers} />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <BlockStack gap="200">
              <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
                <Text as="h2" variant="headingMd">Segments</Text>
              </div>
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                headings={["Segment", "Customers", "Share", "Total spent", "Avg. churn probability", "Predicted 12-month value"]}
                rows={segments.map((s) => [
                  s.name,
                  formatCount(s.customers),
                  formatPercent(s.share, 1),
                  formatMoneyMinor(s.monetaryMinor, currency),
                  formatPercent(s.avgChurnProbability),
                  formatMoney(s.predictedClv12m, currency),
                ])}
                totals={["", formatCount(totals.customers), formatPercent(1), formatMoneyMinor(totals.minor, currency), "", formatMoney(totals.clv, currency)]}
                showTotalsInFooter
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <TraitsCard traits={data.traits} scored={data.scoredCustomers} />
            {data.discovered ? <DiscoveredCard discovered={data.discovered} currency={currency} /> : null}
          </InlineGrid>
        </Layout.Section>
        {model ? (
          <Layout.Section>
            <AccuracyCard model={model} />
          </Layout.Section>
        ) : null}
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">Moves between segments, last {data.migrationWindowDays} days</Text>
              {migrations.length === 0 ? (
                <Text as="p" tone="subdued">No customer changed segment in this period (first scores are not counted).</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "numeric"]}
                  headings={["From", "To", "Customers"]}
                  rows={migrations.map((m) => [m.fromName, m.toName, formatCount(m.customers)])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
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
                    <Link key={t.id} to={`/app/customers/${t.customerId}`}>{t.customerId}</Link>,
                    `${t.fromName} → ${t.toName}`,
                    formatShortDateTime(t.at),
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
