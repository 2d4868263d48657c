// The one logger of the web and worker processes: pino, one JSON object per
// line on stdout (docs/operations.md, "Logs"). Fields say what a line is about
// (shop, job, jobId, queue, topic, webhookId); a webhook or job payload is
// never logged, and anything named like a credential is redacted before it is
// written, at any of the depths the paths below reach.
//
// Under NODE_ENV=test each line goes through console.* instead (warn →
// console.warn, error and fatal → console.error, the rest → console.log) as
// "msg {fields}", so the console guard of the tests (test/support/console.ts)
// still sees and judges every warning and error; the default level there is
// "warn", so passing tests stay quiet.
import { pino, type DestinationStream, type Logger } from "pino";
import { env } from "./env.server";

export type { Logger };

const SECRET_KEYS = ["token", "accessToken", "refreshToken", "authorization", "Authorization", "password", "secret", "apiSecret", "cookie", "idToken", "sessionToken"];

/** Credential-like keys at the top level and up to three objects deep (pino's paths are explicit, not recursive). */
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

const PINO_FIELDS = new Set(["level", "time", "pid", "hostname", "msg"]);

/** Test-mode destination: each JSON line as one console call the console guard can see. */
const consoleDestination: DestinationStream = {
  write(line: string) {
    const { level, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const fields = Object.fromEntries(Object.entries(rest).filter(([k]) => !PINO_FIELDS.has(k)));
    const text = `${String(msg ?? "")}${Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ""}`;
    if (level === "error" || level === "fatal") console.error(text);
    else if (level === "warn") console.warn(text);
    else console.log(text);
  },
};

/**
 * A logger with the app's format and redaction, writing to `destination`
 * (default: stdout, or the console in tests). Everything in app/ uses
 * `logger` below or a child of it; tests build their own to read the output.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? env.LOG_LEVEL,
      redact: { paths: REDACT_PATHS, censor: "[Redacted]" },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? (env.NODE_ENV === "test" ? consoleDestination : pino.destination({ dest: 1, sync: true })),
  );
}

export const logger: Logger = createLogger();

