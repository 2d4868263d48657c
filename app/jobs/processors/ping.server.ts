import type { JobPayloads } from "../../queue.server";

/** Health check: proves a job crossed from the web process to a worker. */
export async function ping(data: JobPayloads["ping"]): Promise<{ echoed: string; pid: number }> {
  return { echoed: data.value, pid: process.pid };
}
