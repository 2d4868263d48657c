// Segment sizes per day as lines (@shopify/polaris-viz). polaris-viz reads `window` while it
// renders, so this module is loaded in the browser only (React.lazy from the Migration page);
// the server renders the page's placeholder of the same height instead.
import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { formatCount } from "../domain/format";

export interface SegmentSizesChartProps {
  /** YYYY-MM-DD, one per point. */
  days: string[];
  /** null: no snapshot that day, drawn as a gap. */
  series: { name: string; values: (number | null)[] }[];
  height: number;
}

const shortDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

export default function SegmentSizesChart({ days, series, height }: SegmentSizesChartProps) {
  const data = series.map((s) => ({ name: s.name, data: s.values.map((value, i) => ({ key: days[i], value })) }));
  return (
    <PolarisVizProvider>
      <div style={{ height }}>
        <LineChart
          data={data}
          theme="Light"
          isAnimated={false}
          xAxisOptions={{ labelFormatter: (v) => shortDay(String(v)) }}
          yAxisOptions={{ integersOnly: true, labelFormatter: (v) => formatCount(Number(v)) }}
          tooltipOptions={{ titleFormatter: (v) => shortDay(String(v)), valueFormatter: (v) => (v === null || v === undefined ? "no snapshot" : formatCount(Number(v))) }}
        />
      </div>
    </PolarisVizProvider>
  );
}
