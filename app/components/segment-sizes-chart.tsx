// Segment sizes per day as lines (@shopify/polaris-viz). polaris-viz reads `window` while it
// renders, so this module is loaded in the browser only (React.lazy from the Migration page);
// the server renders the page's placeholder of the same height instead.
//
// The legend is drawn here with Polaris, not by polaris-viz: its own legend is measured after a
// first layout that can give the chart a negative height for a frame (Chromium logs "<svg>
// attribute height: A negative value is not valid"). Series colours are set here so the two match.
import { ChartLegend } from "./chart-legend";
import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { formatCount } from "../domain/format";

export interface SegmentSizesChartProps {
  /** YYYY-MM-DD, one per point. */
  days: string[];
  /** null: no snapshot that day, drawn as a gap. */
  series: { name: string; values: (number | null)[] }[];
  height: number;
}

const LEGEND_HEIGHT = 48;
/** Ten distinguishable colours (one per segment). */
const COLORS = ["#2c6ecb", "#7b3fe4", "#d6336c", "#e8590c", "#2b8a3e", "#0c8599", "#c2255c", "#5c940d", "#495057", "#b08800"];

const shortDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

export default function SegmentSizesChart({ days, series, height }: SegmentSizesChartProps) {
  const data = series.map((s, i) => ({ name: s.name, color: COLORS[i % COLORS.length], data: s.values.map((value, j) => ({ key: days[j], value })) }));
  return (
    <div style={{ height }}>
      <div style={{ height: height - LEGEND_HEIGHT }}>
        <PolarisVizProvider>
          <LineChart
            data={data}
            theme="Light"
            isAnimated={false}
            showLegend={false}
            xAxisOptions={{ labelFormatter: (v) => shortDay(String(v)) }}
            yAxisOptions={{ integersOnly: true, labelFormatter: (v) => formatCount(Number(v)) }}
            tooltipOptions={{ titleFormatter: (v) => shortDay(String(v)), valueFormatter: (v) => (v === null || v === undefined ? "no snapshot" : formatCount(Number(v))) }}
          />
        </PolarisVizProvider>
      </div>
      <ChartLegend items={data} height={LEGEND_HEIGHT} align="start" />
    </div>
  );
}
