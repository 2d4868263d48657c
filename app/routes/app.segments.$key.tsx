import { useState, type ReactNode } from "react";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, isRouteErrorResponse, useLoaderData, useNavigate, useNavigation, useRouteError } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  EmptySearchResult,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { findSegmentGroup, loadSegmentCustomers } from "../models/segment-customers.server";
import { formatCount, formatMoney, formatMoneyMinor, formatPercent } from "../domain/format";
import { TRAIT_LABELS } from "../domain/trait-labels";
import { WRITABLE_TRAITS, type WritableTrait } from "../domain/settings";
import { CHURN_BANDS, SORT_KEYS, listSearch, parseListQuery, type ListQuery, type SortKey } from "../domain/segment-list";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const found = await findSegmentGroup(session.shop, params.key);
  if (!found) throw new Response("Segment not found in this shop", { status: 404 });
  const parsed = parseListQuery(new URL(request.url).searchParams);
  if (!parsed.ok) throw new Response(parsed.error, { status: 400 });
  const page = await loadSegmentCustomers(found, parsed.query);
  const { sort, dir, churn, trait } = parsed.query;
  return {
    group: { key: found.key, kind: found.kind, name: found.name, description: found.description },
    currency: found.currency,
    query: { sort, dir, churn, trait },
    page,
  };
};

const traitName = (t: string) => TRAIT_LABELS[t as WritableTrait]?.name ?? t;

type Customer = ReturnType<typeof useLoaderData<typeof loader>>["page"]["customers"][number];

const num = (text: string | number) => (
  <Text as="span" alignment="end" numeric>
    {text}
  </Text>
);

/** Columns of the table (the sortable ones carry their sort key) and how each cell shows a customer. */
const COLUMNS: { title: string; sort?: SortKey; numeric?: boolean; groupsOnly?: boolean; cell: (c: Customer, currency: string) => ReactNode }[] = [
  { title: "Customer", cell: (c) => <Link to={`/app/customers/${c.customerId}`}>{c.customerId}</Link> },
  { title: "Segment", groupsOnly: true, cell: (c) => c.segmentName },
  { title: "R", sort: "r", numeric: true, cell: (c) => num(c.r) },
  { title: "F", sort: "f", numeric: true, cell: (c) => num(c.f) },
  { title: "M", sort: "m", numeric: true, cell: (c) => num(c.m) },
  { title: "Churn", sort: "churn", numeric: true, cell: (c) => num(formatPercent(c.churnProbability)) },
  { title: "Predicted 12-month value", sort: "clv", numeric: true, cell: (c, currency) => num(formatMoney(c.predictedClv12m, currency)) },
  { title: "Total spent", sort: "spent", numeric: true, cell: (c, currency) => num(formatMoneyMinor(c.monetaryMinor, currency)) },
  { title: "Days since last order", sort: "recency", numeric: true, cell: (c) => num(formatCount(c.recencyDays)) },
  { title: "Traits", cell: (c) => (c.traits.length ? c.traits.map(traitName).join(", ") : "—") },
  { title: "Holdout", cell: (c) => (c.holdout ? <Badge tone="info">Holdout</Badge> : "—") },
  {
    title: "Shopify",
    cell: (c) => (
      <a href={`shopify:admin/customers/${c.customerId}`} target="_top" rel="noreferrer">
        Open in Shopify
      </a>
    ),
  },
];

/** Fetches the export with the page's session (App Bridge adds it to fetch) and saves it as a file. */
async function downloadCsv(url: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`export failed (${response.status})`);
  const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "segment.csv";
  const href = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(href);
}

export default function SegmentPage() {
  const { group, currency, query, page } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const loading = useNavigation().state === "loading";
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const base = `/app/segments/${group.key}`;
  const go = (q: Partial<ListQuery>) => navigate(`${base}${listSearch({ ...query, ...q })}`);
  const filtered = query.churn !== null || query.trait !== null;
  // An RFM segment's page leaves out the Segment column: every row would say the same.
  const columns = COLUMNS.filter((c) => !c.groupsOnly || group.kind !== "segment");
  const headings = columns.map((c) => ({ title: c.title, alignment: c.numeric ? ("end" as const) : ("start" as const) }));
  const sortIndex = columns.findIndex((c) => c.sort === query.sort);
  const exportCsv = () => {
    setExporting(true);
    setExportError(null);
    downloadCsv(`${base}/csv${listSearch({ churn: query.churn, trait: query.trait })}`)
      .catch((e: unknown) => setExportError(e instanceof Error ? e.message : String(e)))
      .finally(() => setExporting(false));
  };
  const emptyState = filtered ? (
    <EmptySearchResult title="No customer matches these filters" description="Try another churn band or trait." withIllustration />
  ) : (
    <EmptySearchResult title="No customer here yet" description="Customers appear once they are scored into this group." withIllustration />
  );

  return (
    <Page
      title={group.name}
      subtitle={group.description ?? undefined}
      backAction={{ content: "Segments", url: "/app/segments" }}
      primaryAction={{
        content: filtered ? `Export ${formatCount(page.matchingCustomers)} filtered customers (CSV)` : `Export all ${formatCount(page.groupCustomers)} (CSV)`,
        onAction: exportCsv,
        loading: exporting,
        disabled: page.matchingCustomers === 0,
      }}
    >
      <Layout>
        {exportError ? (
          <Layout.Section>
            <Banner tone="critical" title="The export failed" onDismiss={() => setExportError(null)}>
              <p>{exportError}. Try again.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <InlineStack gap="400" blockAlign="end" wrap>
              <Select
                label="Churn probability"
                value={query.churn ?? ""}
                options={[{ label: "Any", value: "" }, ...Object.entries(CHURN_BANDS).map(([value, b]) => ({ label: b.label, value }))]}
                onChange={(v) => go({ churn: (v || null) as ListQuery["churn"], after: null, before: null })}
              />
              <Select
                label="Trait"
                value={query.trait ?? ""}
                options={[{ label: "Any", value: "" }, ...WRITABLE_TRAITS.map((t) => ({ label: TRAIT_LABELS[t].name, value: t }))]}
                onChange={(v) => go({ trait: (v || null) as ListQuery["trait"], after: null, before: null })}
              />
              {filtered ? <Button onClick={() => go({ churn: null, trait: null, after: null, before: null })}>Clear filters</Button> : null}
              <Text as="p" tone="subdued">
                {filtered
                  ? `${formatCount(page.matchingCustomers)} of ${formatCount(page.groupCustomers)} customers match`
                  : `${formatCount(page.groupCustomers)} customers`}
              </Text>
            </InlineStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <IndexTable
              resourceName={{ singular: "customer", plural: "customers" }}
              itemCount={page.customers.length}
              selectable={false}
              loading={loading}
              emptyState={emptyState}
              headings={[headings[0], ...headings.slice(1)]}
              sortable={columns.map((c) => c.sort !== undefined)}
              sortColumnIndex={sortIndex}
              sortDirection={query.dir === "asc" ? "ascending" : "descending"}
              onSort={(index, direction) => {
                const sort = columns[index].sort;
                if (sort && (SORT_KEYS as readonly string[]).includes(sort)) go({ sort, dir: direction === "ascending" ? "asc" : "desc", after: null, before: null });
              }}
              pagination={{
                hasNext: page.hasNext,
                hasPrevious: page.hasPrevious,
                onNext: () => go({ after: page.nextCursor, before: null }),
                onPrevious: () => go({ before: page.previousCursor, after: null }),
              }}
            >
              {page.customers.map((c, i) => (
                <IndexTable.Row id={c.customerId} key={c.customerId} position={i}>
                  {columns.map((col) => (
                    <IndexTable.Cell key={col.title}>{col.cell(c, currency)}</IndexTable.Cell>
                  ))}
                </IndexTable.Row>
              ))}
            </IndexTable>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="100">
            <Text as="p" tone="subdued" variant="bodySm">
              Holdout customers are left out of campaigns so their effect can be measured. Only customer ids are stored: names and emails stay in Shopify.
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && (error.status === 404 || error.status === 400)) {
    return (
      <Page title={error.status === 404 ? "Segment not found" : "This page could not be shown"} backAction={{ content: "Segments", url: "/app/segments" }}>
        <Banner tone={error.status === 404 ? "warning" : "critical"} title={String(error.data)}>
          <p>
            <Link to="/app/segments">See all segments and traits</Link>
          </p>
        </Banner>
      </Page>
    );
  }
  // Shopify's auth responses (as the app layout's boundary shows them; boundary.error tells them by a
  // class name the client build minifies away).
  if (isRouteErrorResponse(error)) return <div dangerouslySetInnerHTML={{ __html: typeof error.data === "string" && error.data ? error.data : "Handling response" }} />;
  return (
    <Page title="Segment" backAction={{ content: "Segments", url: "/app/segments" }}>
      <Banner tone="critical" title="This segment could not be loaded">
        <p>Try again in a moment, or reopen the app from your Shopify admin.</p>
      </Banner>
    </Page>
  );
}
