// Readiness: PostgreSQL reachable with every migration applied, and Redis reachable.
// 200 when the process can do its work, 503 with the reasons otherwise.
import { databaseNotReady } from "../models/readiness.server";
import { redisReachable } from "../queue.server";

export const loader = async () => {
  const [database, redis] = await Promise.all([databaseNotReady(), redisReachable()]);
  const problems = [database, redis ? null : "redis unreachable"].filter((p): p is string => p !== null);
  return new Response(JSON.stringify({ ready: problems.length === 0, problems }), {
    status: problems.length ? 503 : 200,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
};
