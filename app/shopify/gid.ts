// Shopify global ids ("gid://shopify/Order/123") to numeric ids and back.
export function legacyId(gid: string): bigint {
  const match = /\/(\d+)(?:\?.*)?$/.exec(gid);
  if (!match) throw new Error(`not a Shopify global id: ${gid}`);
  return BigInt(match[1]);
}

export function gidOf(type: "Customer" | "Order" | "Product" | "BulkOperation" | "Segment", id: bigint | string | number): string {
  return `gid://shopify/${type}/${id}`;
}
