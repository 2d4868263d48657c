// Expiring offline tokens (1 hour, with a refresh token Shopify rotates on
// every use), refreshed once across every process.
//
// @shopify/shopify-app-remix refreshes an offline token itself when it loads
// one within 5 minutes of expiry, but per process and unlocked: the web and
// two workers would each spend the same refresh token. This storage sits in
// front of the session store and refreshes first (REFRESH_MARGIN_MS before
// expiry, earlier than the library's 5 minutes), so the library never sees a
// token it would refresh:
// - one refresh per shop at a time in this process (shared promise), and
//   across processes (a PostgreSQL advisory lock held around the refresh);
// - under the lock the stored session is read again: if another process has
//   refreshed meanwhile, its token is used and the refresh token is not spent;
// - Shopify refusing the refresh token (revoked, expired, retired) marks the
//   shop as needing the merchant (onRefused) and returns no session, so jobs
//   stop with ShopReauthRequiredError and a page load falls back to token
//   exchange, which issues a new token;
// - a network error or 5xx keeps the old pair (the refresh token is not
//   spent, or Shopify keeps it usable until its replacement is used).
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";

/** Refresh this long before expiry (the library's own threshold is 5 minutes). */
export const REFRESH_MARGIN_MS = 10 * 60 * 1000;

export interface OfflineTokenRefresher {
  /** The refresh grant: Shopify's new session for the shop. */
  refresh(shop: string, refreshToken: string): Promise<Session>;
  /** Why Shopify refused the refresh token when no retry can fix `error`, else null. */
  refusalOf(error: unknown): string | null;
  /** Runs `f` holding the shop's cross-process refresh lock. */
  withLock<T>(shop: string, f: () => Promise<T>): Promise<T>;
  /** Shopify refused the refresh token: no retry can fix it. */
  onRefused(shop: string, reason: string): Promise<void>;
}

interface ForgettingStorage extends SessionStorage {
  /** Drops a cached copy so the next load reads the store. */
  forget(id: string): void;
}


function withoutRefreshToken(session: Session): Session {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(session)), session) as Session;
  copy.refreshToken = undefined;
  return copy;
}

const needsRefresh = (s: Session | undefined): s is Session => !!s && !s.isOnline && !!s.refreshToken && s.isExpired(REFRESH_MARGIN_MS);

export class RefreshingSessionStorage implements SessionStorage {
  private readonly inflight = new Map<string, Promise<Session | undefined>>();

  /**
   * @param cached the store behind a short cache (what loads go through)
   * @param store the same store without the cache (read under the lock)
   */
  constructor(
    private readonly cached: ForgettingStorage,
    private readonly store: SessionStorage,
    private readonly refresher: OfflineTokenRefresher,
  ) {}

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.cached.loadSession(id);
    if (!needsRefresh(session)) return session;
    let refreshing = this.inflight.get(id);
    if (!refreshing) {
      refreshing = this.refreshOnce(id, session.shop).finally(() => this.inflight.delete(id));
      this.inflight.set(id, refreshing);
    }
    return refreshing;
  }

  private refreshOnce(id: string, shop: string): Promise<Session | undefined> {
    return this.refresher.withLock(shop, async () => {
      this.cached.forget(id);
      const current = await this.store.loadSession(id);
      if (!needsRefresh(current)) return current; // refreshed by another process, or gone
      let fresh: Session;
      try {
        fresh = await this.refresher.refresh(shop, current.refreshToken!);
      } catch (error) {
        const refusal = this.refresher.refusalOf(error);
        if (refusal !== null) {
          await this.refresher.onRefused(shop, refusal);
          return undefined;
        }
        // Network or 5xx: the refresh token is still good and the access token may be too
        // (it is refreshed 10 minutes early). Without its refresh token the library will not
        // try again unlocked; the next load retries here.
        return withoutRefreshToken(current);
      }
      // Stored before the lock is released: the next process reads the new pair.
      await this.cached.storeSession(fresh);
      return fresh;
    });
  }

  /** Drops the cached copy: the next load reads the store. */
  forget(id: string): void {
    this.cached.forget(id);
  }

  storeSession(session: Session): Promise<boolean> {
    return this.cached.storeSession(session);
  }

  deleteSession(id: string): Promise<boolean> {
    return this.cached.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.cached.deleteSessions(ids);
  }

  findSessionsByShop(shop: string): Promise<Session[]> {
    return this.cached.findSessionsByShop(shop);
  }
}
