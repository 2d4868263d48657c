import prisma from "../db.server";

export interface SegmentSize {
  segment: string;
  customers: number;
  monetaryMinor: string;
}

/** What the dashboard shows for one shop: sync state and segment sizes. */
export async function loadDashboard(shopDomain: string) {
  const shop = await prisma.shop.findUnique({
    where: { domain: shopDomain },
    select: {
      id: true,
      currency: true,
      historyLimited: true,
      syncStatus: true,
      syncError: true,
      syncRowsDone: true,
      syncRowsTotal: true,
      modelKind: true,
      lastScoredAt: true,
    },
  });
  if (!shop) return { shop: null, segments: [] as SegmentSize[] };
  const grouped = await prisma.customerScore.groupBy({
    by: ["segment"],
    where: { shopId: shop.id },
    _count: { _all: true },
    _sum: { monetaryMinor: true },
    orderBy: { segment: "asc" },
  });
  const segments: SegmentSize[] = grouped.map((g) => ({
    segment: g.segment,
    customers: g._count._all,
    monetaryMinor: (g._sum.monetaryMinor ?? 0n).toString(),
  }));
  const { id: _id, ...shopView } = shop;
  return {
    shop: { ...shopView, lastScoredAt: shop.lastScoredAt?.toISOString() ?? null },
    segments,
  };
}
