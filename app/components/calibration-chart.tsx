// Calibration by decile as grouped bars (@shopify/polaris-viz): for each tenth of customers,
// ranked by predicted churn probability, the mean predicted probability next to the share who
// did churn. polaris-viz reads `window` while it renders, so this module is loaded in the
// browser only (React.lazy from the model-quality page); the server renders a placeholder of
// the same height, and the decile table beside it carries the same numbers. The legend is
// drawn here rather than by polaris-viz: its own legend is measured before it is laid out in
// the embedded page, and the chart's first frame then has a negative height (console errors).
import { ChartLegend } from "./chart-legend";
import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";

export interface CalibrationChartProps {
  deciles: { decile: number; predicted: number; observed: number }[];
  height: number;
}

const SERIES = [
  { name: "Predicted churn", color: "#1ea7fd" },
  { name: "Churned", color: "#5c6ac4" },
] as const;
const LEGEND_HEIGHT = 28;

const percent = (v: number | string | null) => (v === null ? "" : `${Math.round(Number(v))} %`);

export default function CalibrationChart({ deciles, height }: CalibrationChartProps) {
  const values = [(d: CalibrationChartProps["deciles"][number]) => d.predicted, (d: CalibrationChartProps["deciles"][number]) => d.observed];
  const data = SERIES.map((s, i) => ({
    name: s.name,
    color: s.color,
    data: deciles.map((d) => ({ key: String(d.decile), value: Math.round(values[i](d) * 1000) / 10 })),
  }));
  return (
    <PolarisVizProvider>
      <div style={{ height: height - LEGEND_HEIGHT }}>
        <BarChart
          data={data}
          theme="Light"
          isAnimated={false}
          showLegend={false}
          yAxisOptions={{ labelFormatter: percent }}
          tooltipOptions={{ titleFormatter: (v) => `Group ${v}`, valueFormatter: (v) => (v === null || v === undefined ? "" : `${Number(v).toFixed(1)} %`) }}
        />
      </div>
      <ChartLegend items={SERIES} height={LEGEND_HEIGHT} align="center" />
    </PolarisVizProvider>
  );
}
