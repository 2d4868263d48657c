// Cross-process exclusion for per-shop work that must never overlap, whichever
// worker process, on whichever machine, runs it: PostgreSQL session advisory
// locks. A full recompute of a shop holds its key exclusively, live rescores
// of its customers share it (they may run side by side, never beside the
// recompute: both would read the same previous scores and record the same move
// twice); a full write-back and the live ones likewise.
//
// One connection per process holds all of its locks (a connection per running
// job ran PostgreSQL out of connections with 4 worker processes). A session's
// advisory locks are re-entrant and never conflict with each other, so the
// process keeps its own count per key for the exclusion between its own jobs,
// and takes the PostgreSQL lock only for the first holder. The connection is
// not the app pool's (a job holding a pooled connection could starve its own
// queries). A lock lives exactly as long as its session: a worker that dies
// (SIGKILL, a lost machine) releases its locks with its connection; nothing
// expires, nothing has to be renewed.
import pg from "pg";
import { env } from "../env.server";
import { logger } from "../logger.server";

export interface HeldAdvisoryLock {
  release(): Promise<void>;
}

type Mode = "exclusive" | "shared";

/** This process's holders per key: an exclusive one, or a number of shared ones; `taken` settles once PostgreSQL answered. */
const holders = new Map<string, { mode: Mode; count: number; taken: Promise<boolean> }>();
let session: Promise<pg.Client> | undefined;

function connection(): Promise<pg.Client> {
  if (!session) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    const opened = client.connect().then(() => client);
    session = opened;
    // A lost session loses its locks: running jobs go on (their writes are idempotent) and a new session is opened.
    client.on("error", (error) => {
      logger.warn(`advisory lock session lost: ${error.message}`);
      if (session === opened) session = undefined;
    });
    opened.catch(() => {
      if (session === opened) session = undefined;
    });
  }
  return session;
}

/** The last statement queued on each session client: the next one waits for it. */
const lastTurn = new WeakMap<pg.Client, Promise<unknown>>();

/**
 * The session's statements one at a time: jobs take and release locks concurrently on this one
 * client, and pg's own queue for a busy client is deprecated (gone in pg@9). The turns are per
 * client, so a statement still waiting on a lost session never holds up the new one.
 */
async function onSession<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connection();
  const turn = (lastTurn.get(client) ?? Promise.resolve()).then(() => run(client));
  lastTurn.set(client, turn.catch(() => undefined));
  return turn;
}

const fn = (op: "try" | "unlock", mode: Mode) => `pg_${op === "try" ? "try_advisory_lock" : "advisory_unlock"}${mode === "shared" ? "_shared" : ""}`;

/**
 * Takes the advisory lock on `key` (shared or exclusive) unless a conflicting one
 * is held, by this process or another; null when it is. hashtextextended gives a
 * 64-bit key (a collision only serialises two keys needlessly).
 */
export async function tryAdvisoryLock(key: string, mode: Mode): Promise<HeldAdvisoryLock | null> {
  const mine = holders.get(key);
  if (mine && (mine.mode === "exclusive" || mode === "exclusive")) return null;
  if (mine) {
    // Another shared holder in this process: it shares the session's lock once that is taken.
    mine.count++;
    if (!(await mine.taken)) return null;
  } else {
    // Claimed before the await, so no other job of this process races it.
    let settle!: (taken: boolean) => void;
    const entry = { mode, count: 1, taken: new Promise<boolean>((resolve) => (settle = resolve)) };
    holders.set(key, entry);
    let taken = false;
    try {
      const { rows } = await onSession((client) => client.query<{ locked: boolean }>(`select ${fn("try", mode)}(hashtextextended($1, 0)) as locked`, [key]));
      taken = rows[0]?.locked === true;
    } finally {
      if (!taken) holders.delete(key);
      settle(taken);
    }
    if (!taken) return null;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      const held = holders.get(key);
      if (!held || --held.count > 0) return; // gone: the session was closed
      holders.delete(key);
      // A lost session has dropped the lock already.
      await onSession((client) => client.query(`select ${fn("unlock", mode)}(hashtextextended($1, 0))`, [key])).catch(() => undefined);
    },
  };
}

/** Closes the lock session (worker shutdown). */
export async function closeAdvisoryLocks(): Promise<void> {
  const s = session;
  session = undefined;
  holders.clear();
  await s?.then((client) => client.end()).catch(() => undefined);
}
