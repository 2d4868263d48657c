// Runs in each test file's process before it loads: a queue prefix of its own,
// so a worker started by one file never takes jobs enqueued by another.
import { randomUUID } from "node:crypto";

process.env.QUEUE_PREFIX = `rfm-test-${randomUUID().slice(0, 8)}`;
