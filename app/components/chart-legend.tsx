// The legend under a polaris-viz chart, drawn with Polaris: polaris-viz's own legend is measured
// after a first layout that can give the chart a negative height for a frame (Chromium logs
// "<svg> attribute height: A negative value is not valid"), so the charts turn it off.
import { InlineStack, Text } from "@shopify/polaris";

export function ChartLegend({ items, height, align = "end" }: { items: readonly { name: string; color: string }[]; height: number; align?: "start" | "center" | "end" }) {
  return (
    <div style={{ height, overflow: "hidden", display: "flex", alignItems: "flex-end" }}>
      <InlineStack gap="300" align={align} wrap>
        {items.map((s) => (
          <InlineStack key={s.name} gap="100" blockAlign="center">
            <span aria-hidden="true" style={{ width: 10, height: 10, borderRadius: "50%", background: s.color, display: "inline-block" }} />
            <Text as="span" variant="bodySm" tone="subdued">{s.name}</Text>
          </InlineStack>
        ))}
      </InlineStack>
    </div>
  );
}
