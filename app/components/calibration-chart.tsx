// Calibration by decile as grouped bars (@shopify/polaris-viz): for each tenth of customers,
// ranked by predicted churn probability, the mean predicted probability next to the share who
// did churn. polaris-viz reads `window` while it renders, so this module is loaded in the
// browser only (React.lazy from the model-quality page); the server renders a placeholder of
// the same height, and the decile table beside it carries the same numbers.
import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";

export interface CalibrationChartProps {
  deciles: { decile: number; predicted: number; observed: number }[];
  height: number;
}

const percent = (v: number | string | null) => (v === null ? "" : `${Math.round(Number(v))} %`);

export default function CalibrationChart({ deciles, height }: CalibrationChartProps) {
  const series = (name: string, pick: (d: CalibrationChartProps["deciles"][number]) => number) => ({
    name,
    data: deciles.map((d) => ({ key: `Group ${d.decile}`, value: Math.round(pick(d) * 1000) / 10 })),
  });
  return (
    <PolarisVizProvider>
      <div style={{ height }}>
        <BarChart
          data={[series("Predicted churn", (d) => d.predicted), series("Churned", (d) => d.observed)]}
          theme="Light"
          isAnimated={false}
          yAxisOptions={{ labelFormatter: percent }}
          tooltipOptions={{ valueFormatter: (v) => (v === null || v === undefined ? "" : `${Number(v).toFixed(1)} %`) }}
        />
      </div>
    </PolarisVizProvider>
  );
}
