// Where Shopify sessions (offline access tokens) are stored: the Session table, in
// the shape @shopify/shopify-app-session-storage-prisma expects, with the access and
// refresh tokens encrypted at rest (app/token-cipher.server.ts): what reaches the
// table is ciphertext, what the app gets back is the token.
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { prisma } from "../db.server";
import { withClient } from "../db-pool.server";
import { env } from "../env.server";
import { TokenCipher, parseTokenKeys } from "../token-cipher.server";

let cipher: TokenCipher | null = null;
/** The cipher under the environment's keys (parsed once). */
export function tokenCipher(): TokenCipher {
  cipher ??= new TokenCipher(parseTokenKeys(env.TOKEN_ENCRYPTION_KEYS));
  return cipher;
}

/** A copy of the session with its tokens passed through `f` (the Session class keeps its methods). */
function withTokens(session: Session, f: (token: string) => string): Session {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(session)), session) as Session;
  if (copy.accessToken) copy.accessToken = f(copy.accessToken);
  if (copy.refreshToken) copy.refreshToken = f(copy.refreshToken);
  return copy;
}

export class EncryptedSessionStorage implements SessionStorage {
  constructor(
    private readonly inner: SessionStorage,
    private readonly cipher: TokenCipher,
  ) {}

  storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(withTokens(session, (t) => this.cipher.encrypt(t)));
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.inner.loadSession(id);
    return session && withTokens(session, (t) => this.cipher.decrypt(t));
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.inner.findSessionsByShop(shop)).map((s) => withTokens(s, (t) => this.cipher.decrypt(t)));
  }
}

export function prismaSessionStorage(): SessionStorage {
  return new EncryptedSessionStorage(new PrismaSessionStorage(prisma), tokenCipher());
}

/**
 * Re-encrypts every stored token under the current key (the first of TOKEN_ENCRYPTION_KEYS):
 * after adding a new key in front, or to encrypt tokens stored before encryption. Idempotent.
 */
export async function reencryptSessionTokens(c: TokenCipher = tokenCipher()): Promise<{ sessions: number; reencrypted: number }> {
  const rows = await prisma.session.findMany({ select: { id: true, accessToken: true, refreshToken: true } });
  let reencrypted = 0;
  for (const row of rows) {
    const stale = (v: string | null) => v !== null && v !== "" && TokenCipher.keyIdOf(v) !== c.currentKeyId;
    if (!stale(row.accessToken) && !stale(row.refreshToken)) continue;
    await prisma.session.update({
      where: { id: row.id },
      data: {
        accessToken: row.accessToken ? c.encrypt(c.decrypt(row.accessToken)) : row.accessToken,
        refreshToken: row.refreshToken ? c.encrypt(c.decrypt(row.refreshToken)) : row.refreshToken,
      },
    });
    reencrypted++;
  }
  return { sessions: rows.length, reencrypted };
}

/**
 * Runs `f` holding the shop's offline-token lock: a transaction-scoped PostgreSQL advisory
 * lock, so one process at a time refreshes the shop's token (every process shares the
 * database). A process that dies mid-refresh loses its connection and with it the lock.
 */
export async function withOfflineTokenLock<T>(shop: string, f: () => Promise<T>): Promise<T> {
  return withClient(async (client) => {
    try {
      await client.query("begin");
      await client.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [`offline-token:${shop}`]);
      return await f();
    } finally {
      await client.query("commit").catch(() => undefined);
    }
  });
}
