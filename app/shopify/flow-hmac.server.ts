// HMAC check of Flow's lifecycle callback (signed like a webhook). Lives in a
// .server module so the route file holds only its action: Remix cannot strip a
// route's non-route exports from the client bundle, and node:crypto breaks it.
import { createHmac, timingSafeEqual } from "node:crypto";

export function verifyFlowHmac(rawBody: string, header: string | null, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest();
  let given: Buffer;
  try {
    given = Buffer.from(header, "base64");
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}
