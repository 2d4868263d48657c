// Timestamps as the Admin API prints them. Generating millions of orders
// formats millions of timestamps, hence the per-day cache below.

export const DAY_MS = 86_400_000;

/** ISO-8601 UTC, second precision, as the Admin API prints it: 2026-11-22T10:00:00Z */
export function isoSeconds(ms: number): string {
  const sec = Math.floor(ms / 1000);
  const day = Math.floor(sec / 86400);
  if (day !== isoDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    if (iso.length !== 24) return new Date(sec * 1000).toISOString().slice(0, -5) + "Z"; // years outside 0000..9999
    isoPrefix = iso.slice(0, 11);
    isoDay = day;
  }
  // Two shared flat strings: one cheap rope node per timestamp.
  return isoPrefix + (HMS ??= buildHms())[sec - day * 86400];
}
let isoDay = NaN;
let isoPrefix = "";
let HMS: string[] | undefined;
function buildHms(): string[] {
  const two = (n: number) => (n < 10 ? "0" : "") + n;
  const out = new Array<string>(86400);
  for (let s = 0; s < 86400; s++) out[s] = `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}Z`;
  return out;
}
