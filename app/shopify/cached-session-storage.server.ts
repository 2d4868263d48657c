// Every webhook loads the shop's offline session (authenticate.webhook does),
// which at hundreds of webhooks a second is a database round trip each. Sessions
// change rarely, so loads are cached briefly; writes and deletes made through
// this process invalidate at once, and another process's changes (the worker
// deleting sessions on app/uninstalled) are seen within the TTL.
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";

export class CachedSessionStorage implements SessionStorage {
  private readonly cache = new Map<string, { session: Session | undefined; expiresAt: number }>();

  constructor(
    private readonly inner: SessionStorage,
    private readonly ttlMs = 30_000,
  ) {}

  async storeSession(session: Session): Promise<boolean> {
    this.cache.delete(session.id);
    return this.inner.storeSession(session);
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const hit = this.cache.get(id);
    if (hit && hit.expiresAt > Date.now()) return hit.session;
    const session = await this.inner.loadSession(id);
    this.cache.set(id, { session, expiresAt: Date.now() + this.ttlMs });
    return session;
  }

  /** Drops the cached copy: the next load reads the store. */
  forget(id: string): void {
    this.cache.delete(id);
  }

  async deleteSession(id: string): Promise<boolean> {
    this.cache.delete(id);
    return this.inner.deleteSession(id);
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    for (const id of ids) this.cache.delete(id);
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return this.inner.findSessionsByShop(shop);
  }
}
