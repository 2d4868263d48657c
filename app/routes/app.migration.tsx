import { lazy, memo, Suspense, useEffect, useState } from "react";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  DataTable,
  InlineStack,
  Layout,
  Page,
  SkeletonBodyText,
  Spinner,
  Text,
} from "@shopify/polaris";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { authenticate } from "../shopify.server";
import { loadMigration } from "../models/migration.server";
import { formatRowShare, formatSignedCount, HEAT_STEPS, heatStep, parseWindowDays, WINDOW_DAYS } from "../domain/migration-display";
import { formatCount, formatDateTime } from "../domain/format";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const days = parseWindowDays(new URL(request.url).searchParams.get("days"));
  if (days === null) throw new Response(`days must be one of ${WINDOW_DAYS.join(", ")}`, { status: 400 });
  return loadMigration(session.shop, days);
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const PATH = "/app/migration";
const CHART_HEIGHT = 320;
// Loaded in the browser only: polaris-viz needs `window` to render.
const SegmentSizesChart = lazy(() => import("../components/segment-sizes-chart"));


function WindowChoice({ days, loading }: { days: number; loading: boolean }) {
  return (
    <InlineStack gap="200" blockAlign="center">
      <ButtonGroup variant="segmented">
        {WINDOW_DAYS.map((d) => (
          // The window shown is a pressed button; the others are links (they work before hydration too).
          <Button key={d} url={d === days ? undefined : `${PATH}?days=${d}`} pressed={d === days}>{`${d} days`}</Button>
        ))}
      </ButtonGroup>
      {loading ? <Spinner size="small" accessibilityLabel="Loading the window" /> : null}
    </InlineStack>
  );
}

const cell: React.CSSProperties = {
  padding: "var(--p-space-150) var(--p-space-200)",
  borderBottom: "var(--p-border-width-025) solid var(--p-color-border-secondary)",
  textAlign: "right",
  fontVariantNumeric: "tabular-nums",
  whiteSpace: "nowrap",
};
const header: React.CSSProperties = { ...cell, fontWeight: "var(--p-font-weight-semibold)" as React.CSSProperties["fontWeight"], whiteSpace: "normal", verticalAlign: "bottom", minWidth: "4rem" };

/** The from → to matrix: a plain table (Polaris's DataTable cannot shade a cell), Polaris tokens for the look. */
function Matrix({ matrix }: { matrix: Data["matrix"] }) {
  return (
    <div style={{ overflowX: "auto" }}>
      <table style={{ borderCollapse: "collapse", width: "100%", fontSize: "var(--p-font-size-300)" }}>
        <caption style={{ textAlign: "left", paddingBottom: "var(--p-space-200)", color: "var(--p-color-text-secondary)" }}>
          Rows: where customers were; columns: where they went. Each cell: moves, and their share of the row.
        </caption>
        <thead>
          <tr>
            <th scope="col" style={{ ...header, textAlign: "left" }}>From \ To</th>
            {matrix.segments.map((s) => (
              <th key={s.key} scope="col" style={header}>{s.name}</th>
            ))}
            <th scope="col" style={header}>Moves out</th>
          </tr>
        </thead>
        <tbody>
          {matrix.rows.map((row) => (
            <tr key={row.segment}>
              <th scope="row" style={{ ...header, textAlign: "left", verticalAlign: "middle", whiteSpace: "nowrap" }}>{row.name}</th>
              {row.cells.map((c) => {
                if (c.to === row.segment) return <td key={c.to} style={{ ...cell, color: "var(--p-color-text-disabled)" }} aria-label="not a move">—</td>;
                const step = heatStep(c.rowShare);
                return (
                  <td key={c.to} style={{ ...cell, background: step?.background, color: step ? step.color : "var(--p-color-text-secondary)" }}>
                    {c.customers > 0 ? (
                      <>
                        <span style={{ fontWeight: "var(--p-font-weight-semibold)" as React.CSSProperties["fontWeight"] }}>{formatCount(c.customers)}</span>
                        <br />
                        <span>{formatRowShare(c.rowShare)}</span>
                      </>
                    ) : (
                      "0"
                    )}
                  </td>
                );
              })}
              <td style={{ ...cell, fontWeight: "var(--p-font-weight-semibold)" as React.CSSProperties["fontWeight"] }}>{formatCount(row.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <InlineStack gap="300" blockAlign="center">
        <Text as="span" variant="bodySm" tone="subdued">Share of the row:</Text>
        {HEAT_STEPS.map((s) => (
          <span key={s.level} style={{ background: s.background, color: s.color, padding: "0 var(--p-space-200)", borderRadius: "var(--p-border-radius-100)", fontSize: "var(--p-font-size-275)" }}>
            {s.from === 0 ? "up to 20 %" : `${Math.round(s.from * 100)}–${Math.round(s.from * 100) + 20} %`}
          </span>
        ))}
      </InlineStack>
    </div>
  );
}

function SizesCard({ sizes, days }: { sizes: Data["sizes"]; days: number }) {
  // The chart is drawn after hydration; until then (and on the server) a placeholder of its height.
  const [inBrowser, setInBrowser] = useState(false);
  useEffect(() => setInBrowser(true), []);
  const placeholder = (
    <div style={{ height: CHART_HEIGHT }} aria-busy="true">
      <SkeletonBodyText lines={8} />
    </div>
  );
  const missing = sizes.days.length - sizes.snapshotDays;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Segment sizes, last {days} days</Text>
        {sizes.series.length === 0 ? (
          <Text as="p" tone="subdued">No daily snapshot in this window yet: one is taken each time the shop is scored.</Text>
        ) : (
          <>
            {inBrowser ? (
              <Suspense fallback={placeholder}>
                <SegmentSizesChart days={sizes.days} series={sizes.series} height={CHART_HEIGHT} />
              </Suspense>
            ) : (
              placeholder
            )}
            <Text as="p" variant="bodySm" tone="subdued">
              Customers per segment from the daily snapshots
              {missing > 0 ? `; ${formatCount(missing)} of ${formatCount(sizes.days.length)} days have no snapshot and show as gaps` : ""}.
            </Text>
          </>
        )}
      </BlockStack>
    </Card>
  );
}

/** Everything below the window choice; memoized so that the loading state of a window switch re-renders only the wrapper (INP). */
const MigrationContent = memo(function MigrationContent({ d }: { d: Data }) {
  const noMovesEver = d.matrix.total === 0 && d.lastMoveAt === null;
  return (
    <BlockStack gap="400">
      {noMovesEver ? (
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">No moves yet</Text>
            <Text as="p">
              A move is a customer changing segment between two scorings; a customer&apos;s first score is not one. Moves appear here after the
              next recompute (nightly) or as orders come in.
            </Text>
          </BlockStack>
        </Card>
      ) : (
        <>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">What happened</Text>
              {d.story.map((s, i) => (
                <Text key={i} as="p">{s}</Text>
              ))}
              {d.matrix.total === 0 && d.lastMoveAt ? (
                <Text as="p" tone="subdued">The last move was {formatDateTime(d.lastMoveAt)}; a longer window shows it.</Text>
              ) : null}
            </BlockStack>
          </Card>
          {d.matrix.total > 0 ? (
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">From → to, last {d.days} days</Text>
                <Matrix matrix={d.matrix} />
              </BlockStack>
            </Card>
          ) : null}
        </>
      )}
      <SizesCard sizes={d.sizes} days={d.days} />
      {d.matrix.total > 0 ? (
        <Card padding="0">
          <BlockStack gap="200">
            <Box paddingBlockStart="400" paddingInline="400">
              <Text as="h2" variant="headingMd">Inflow, outflow and net, last {d.days} days</Text>
            </Box>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric"]}
              headings={["Segment", "Moved in", "Moved out", "Net"]}
              rows={d.flows.map((f) => [f.name, formatCount(f.inflow), formatCount(f.outflow), formatSignedCount(f.net)])}
              totals={["", formatCount(d.matrix.total), formatCount(d.matrix.total), "0"]}
              showTotalsInFooter
            />
          </BlockStack>
        </Card>
      ) : null}
    </BlockStack>
  );
});

export default function Migration() {
  const d = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === PATH;
  return (
    <Page
      fullWidth
      title="Segment migration"
      subtitle={d.lastScoredAt ? `Scores as of ${formatDateTime(d.lastScoredAt)}` : undefined}
      backAction={{ content: "Segments", url: "/app" }}
    >
      <Layout>
        {!d.installed ? (
          <Layout.Section>
            <Banner tone="info" title="Installing">The app is being set up for this shop.</Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <WindowChoice days={d.days} loading={loading} />
        </Layout.Section>
        <Layout.Section>
          <div aria-busy={loading} style={{ opacity: loading ? 0.5 : 1, transition: "opacity 150ms" }}>
            <MigrationContent d={d} />
          </div>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

// A refused window (400) or a failure while loading: said in the page, with the way back.
// Shopify's own responses (a session to renew, a bounce page) go to the library's boundary.
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status !== 400) return boundary.error(error);
  const badWindow = isRouteErrorResponse(error);
  return (
    <Page title="Segment migration" backAction={{ content: "Segments", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <Banner
            tone={badWindow ? "warning" : "critical"}
            title={badWindow ? "That window is not available" : "The migration could not be loaded"}
            action={{ content: "Show the last 30 days", url: `${PATH}?days=30` }}
          >
            <p>{badWindow ? `Choose ${WINDOW_DAYS.join(", ")} days.` : "Something went wrong while reading the moves. Try again in a moment."}</p>
          </Banner>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
