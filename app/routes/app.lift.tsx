import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, DataTable, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { PageLoadError } from "../components/page-load-error";
import { loadLiftReport } from "../models/lift.server";
import { MIN_GROUP_CUSTOMERS } from "../domain/lift";
import { formatCount, formatDateTime, formatMoneyMinor, formatPercent } from "../domain/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const report = await loadLiftReport(session.shop);
  if (!report) throw new Response("Shop not installed", { status: 404 });
  return report;
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Row = Data["rows"][number];

const PATH = "/app/lift";

const signedPoints = (f: number) => `${f > 0 ? "+" : f < 0 ? "−" : ""}${Math.abs(f * 100).toFixed(1)}`;
const signedMoney = (minor: number, currency: string) => `${minor > 0 ? "+" : minor < 0 ? "−" : ""}${formatMoneyMinor(Math.abs(minor), currency)}`;

function Verdict({ distinguishable }: { distinguishable: boolean }) {
  return distinguishable ? <Badge tone="info">CI excludes 0</Badge> : <Badge>CI includes 0</Badge>;
}

function tableRow(r: Row, currency: string) {
  const c = r.comparison;
  const rate = c.repeatRate;
  const rev = c.revenuePerCustomer;
  return [
    r.name,
    `${formatCount(c.treated.customers)} / ${formatCount(c.holdout.customers)}`,
    `${formatPercent(c.treated.repeatRate, 1)} / ${formatPercent(c.holdout.repeatRate, 1)}`,
    rate ? (
      <BlockStack key="rate" gap="100" inlineAlign="end">
        <span>{`${signedPoints(rate.estimate)} pts (${signedPoints(rate.low)} to ${signedPoints(rate.high)})`}</span>
        <Verdict distinguishable={rate.distinguishable} />
      </BlockStack>
    ) : (
      "too few to tell"
    ),
    `${formatMoneyMinor(c.treated.revenuePerCustomerMinor, currency)} / ${formatMoneyMinor(c.holdout.revenuePerCustomerMinor, currency)}`,
    rev && rev.low !== rev.high ? (
      <BlockStack key="rev" gap="100" inlineAlign="end">
        <span>{`${signedMoney(rev.estimate, currency)} (${signedMoney(rev.low, currency)} to ${signedMoney(rev.high, currency)})`}</span>
        <Verdict distinguishable={rev.distinguishable} />
      </BlockStack>
    ) : rev ? (
      "no variation"
    ) : (
      "too few to tell"
    ),
  ];
}

function MethodCard({ holdoutPercent }: { holdoutPercent: number }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">How this is measured</Text>
        <Text as="p">
          {`A stable random ${holdoutPercent} % of customers is the holdout group (a hash of the shop and the customer id, so nobody moves in or out while the share stays the same). They carry the holdout tag so campaigns can leave them out; everyone else is "treated".`}
        </Text>
        <Text as="p">
          Each customer counts from their first score (when they were first put in a segment, and so in or out of the holdout), in the segment they were put in then: the
          segment they are in now is itself affected by what they bought since. After that moment, the repeat-purchase rate is the share who placed at least one order,
          and revenue per customer is what they spent (orders net of refunds, not test or cancelled orders), customers who bought nothing included.
        </Text>
        <Text as="p">
          {`Differences are treated minus holdout with 95 % confidence intervals: Newcombe's hybrid score interval for rates, Welch's interval for revenue per customer. A group with fewer than ${MIN_GROUP_CUSTOMERS} customers gives "too few to tell".`}
        </Text>
        <Text as="p" tone="subdued">
          An interval that excludes 0 means the two groups differ by more than chance alone would usually produce; it does not say which campaign, if any, made the
          difference. With ten segments, about one comparison in twenty excludes 0 by chance. If the holdout share was changed, customers added to the holdout later
          were treated before.
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Lift() {
  const d = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === PATH;
  const all = d.rows.find((r) => r.segment === null) ?? null;
  const segments = d.rows.filter((r) => r.segment !== null);
  return (
    <Page
      title="Holdout lift"
      subtitle={d.assignedFrom ? `Customers first scored ${formatDateTime(d.assignedFrom)} to ${formatDateTime(d.assignedTo)}` : undefined}
      backAction={{ content: "Segments", url: "/app" }}
    >
      <Layout>
        {d.holdoutPercent === 0 ? (
          <Layout.Section>
            <Banner tone="warning" title="The holdout group is off">
              <p>
                The holdout share is 0 %, so nobody is held out and there is nothing to compare with. Set a share in <Link to="/app/settings">Settings</Link>.
              </p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <div aria-busy={loading} style={{ opacity: loading ? 0.5 : 1, transition: "opacity 150ms" }}>
            <BlockStack gap="400">
              {!all ? (
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">Nothing to compare yet</Text>
                    <Text as="p">No customer has been scored yet. The comparison starts with the first scores, once the order history is synced.</Text>
                  </BlockStack>
                </Card>
              ) : (
                <>
                  {d.daysSinceFirstAssignment !== null && d.daysSinceFirstAssignment < 30 ? (
                    <Banner tone="info" title="Early days">
                      <p>{`The first scores are ${d.daysSinceFirstAssignment === 0 ? "from today" : `${formatCount(d.daysSinceFirstAssignment)} day${d.daysSinceFirstAssignment === 1 ? "" : "s"} old`}: few customers have had time to order again, so expect wide intervals for now.`}</p>
                    </Banner>
                  ) : null}
                  <Card>
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingMd">All segments</Text>
                      {all.sentences.map((s, i) => (
                        <Text key={i} as="p">{s}</Text>
                      ))}
                    </BlockStack>
                  </Card>
                  <Card padding="0">
                    <BlockStack gap="200">
                      <Box paddingBlockStart="400" paddingInline="400">
                        <Text as="h2" variant="headingMd">By segment at first score</Text>
                      </Box>
                      <DataTable
                        columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                        headings={[
                          "Segment",
                          "Customers (treated / holdout)",
                          "Bought again (treated / holdout)",
                          "Difference, points (95 % CI)",
                          "Revenue per customer (treated / holdout)",
                          "Difference (95 % CI)",
                        ]}
                        rows={[all, ...segments].map((r) => tableRow(r, d.currency))}
                      />
                    </BlockStack>
                  </Card>
                  <Card>
                    <BlockStack gap="300">
                      <Text as="h2" variant="headingMd">Segment by segment</Text>
                      {segments.map((r) => (
                        <BlockStack key={r.segment} gap="100">
                          <Text as="h3" variant="headingSm">{r.name}</Text>
                          {r.sentences.map((s, i) => (
                            <Text key={i} as="p">{s}</Text>
                          ))}
                        </BlockStack>
                      ))}
                    </BlockStack>
                  </Card>
                </>
              )}
              <MethodCard holdoutPercent={d.holdoutPercent} />
            </BlockStack>
          </div>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

// A failure while loading: said in the page, with a way to retry.
export function ErrorBoundary() {
  return <PageLoadError title="Holdout lift" path={PATH} failed="The holdout comparison could not be loaded" detail="Something went wrong while reading the orders. Try again in a moment." />;
}
