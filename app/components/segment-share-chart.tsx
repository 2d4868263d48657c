// Each segment's share of the customers and of the revenue, as horizontal bars
// (@shopify/polaris-viz). polaris-viz reads `window` while it renders, so this
// module is loaded in the browser only (React.lazy from the overview); the
// server renders a placeholder of the same height instead.
//
// The legend is drawn here with Polaris rather than by polaris-viz: its own
// legend is measured after a first layout that can give the chart a negative
// height for a frame (Chromium logs "<svg> attribute height: A negative value
// is not valid"), and the two series fit in one line anyway.
import { BlockStack } from "@shopify/polaris";
import { ChartLegend } from "./chart-legend";
import { PolarisVizProvider, SimpleBarChart } from "@shopify/polaris-viz";

export interface SegmentShareChartProps {
  /** In the table's order; shares 0..1. */
  segments: { name: string; customerShare: number; revenueShare: number }[];
  /** Of the chart and its legend together (the server's placeholder has the same). */
  height: number;
}

const LEGEND_HEIGHT = 28;
// polaris-viz's Light theme's first two series colours, named so the legend matches the bars.
const SERIES = [
  { name: "Share of customers", color: "rgba(51, 161, 255, 1)", pick: (s: SegmentShareChartProps["segments"][number]) => s.customerShare },
  { name: "Share of revenue", color: "rgba(121, 60, 237, 1)", pick: (s: SegmentShareChartProps["segments"][number]) => s.revenueShare },
];

const percent = (v: number | string | null) => (v === null ? "" : `${Number(v).toFixed(1)} %`);

export default function SegmentShareChart({ segments, height }: SegmentShareChartProps) {
  const data = SERIES.map((series) => ({
    name: series.name,
    color: series.color,
    data: segments.map((s) => ({ key: s.name, value: Math.round(series.pick(s) * 1000) / 10 })),
  }));
  return (
    <BlockStack gap="0">
      <div style={{ height: height - LEGEND_HEIGHT }}>
        <PolarisVizProvider>
          <SimpleBarChart data={data} theme="Light" isAnimated={false} showLegend={false} xAxisOptions={{ labelFormatter: percent }} />
        </PolarisVizProvider>
      </div>
      <ChartLegend items={SERIES} height={LEGEND_HEIGHT} />
    </BlockStack>
  );
}
