// Whether the app can still reach Shopify for a shop. With expiring offline
// tokens, Shopify can refuse the refresh token (revoked, expired, retired):
// background work that calls Shopify then stops until the merchant opens the
// app, whose token exchange issues a new token (restoreShopAccess).
import { pool } from "../db-pool.server";

/** Records that Shopify refused the shop's refresh token (the first refusal's time is kept). */
export async function markReauthRequired(domain: string, reason: string, now: Date = new Date()): Promise<void> {
  await pool.query(
    `update "Shop" set "reauthRequiredAt" = coalesce("reauthRequiredAt", $2), "reauthReason" = $3 where domain = $1`,
    [domain, now, reason.slice(0, 500)],
  );
}

/** When and why the shop needs the merchant to open the app again, or null. */
export async function reauthRequiredOf(domain: string): Promise<{ at: Date; reason: string | null } | null> {
  const r = await pool.query<{ at: Date | null; reason: string | null }>(
    `select "reauthRequiredAt" as at, "reauthReason" as reason from "Shop" where domain = $1`,
    [domain],
  );
  const row = r.rows[0];
  return row?.at ? { at: row.at, reason: row.reason } : null;
}

/** A new offline token arrived (afterAuth): background work resumes; the lapse is kept for the dashboard. */
export async function restoreShopAccess(domain: string, now: Date = new Date()): Promise<void> {
  await pool.query(
    `update "Shop" set "accessLapsedAt" = "reauthRequiredAt", "accessRestoredAt" = $2, "reauthRequiredAt" = null, "reauthReason" = null
      where domain = $1 and "reauthRequiredAt" is not null`,
    [domain, now],
  );
}
