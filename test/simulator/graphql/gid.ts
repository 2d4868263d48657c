// Admin API global ids: gid://shopify/{Type}/{numeric id}.

export const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;

export function parseGid(id: unknown, type?: string): number | null {
  const m = /^gid:\/\/shopify\/(\w+)\/(\d+)(\?.*)?$/.exec(String(id ?? ""));
  if (!m) return null;
  if (type && m[1] !== type) return null;
  return Number(m[2]);
}

export function gidType(id: unknown): string | null {
  const m = /^gid:\/\/shopify\/(\w+)\/\d+/.exec(String(id ?? ""));
  return m ? m[1] : null;
}
