// Bulk export files on disk (under the OS temp directory, removed when the
// process exits) and the hidden field that links bulk children to parents.
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Added to every node selection of a bulk query so children can name their parent. */
export const HIDDEN_ID = "__simBulkId";

export interface ExportFile {
  path: string;
  lines: number;
  roots: number;
  bytes: number;
}

let exportDir: string | undefined;

function exportDirectory(): string {
  if (!exportDir) {
    exportDir = mkdtempSync(join(tmpdir(), "shopify-sim-bulk-"));
    const dir = exportDir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return exportDir;
}

export function newExportPath(name: string): string {
  return join(exportDirectory(), `${name}.jsonl`);
}

/**
 * A staged upload's body, kept on disk beside the exports: a million-customer write-back
 * uploads about 60 MB of variables per 50,000-customer page, which the heap kept until exit.
 */
export function saveStagedUpload(name: string, body: string | Uint8Array): string {
  const path = newExportPath(`upload-${name}`);
  writeFileSync(path, body);
  return path;
}

export function readStagedUpload(path: string): string {
  return readFileSync(path, "utf8");
}

export function removeExportFile(path: string): void {
  rmSync(path, { force: true });
}

/** Copies the first `count` lines of one export file into another; returns the bytes written. */
export function copyFirstLines(from: string, to: string, count: number): number {
  const src = openSync(from, "r");
  const dst = openSync(to, "w");
  const buf = Buffer.allocUnsafe(1 << 20);
  let left = count;
  let written = 0;
  try {
    while (left > 0) {
      const n = readSync(src, buf, 0, buf.length, null);
      if (n === 0) break;
      let end = 0;
      while (left > 0 && end < n) {
        const nl = buf.indexOf(10, end);
        if (nl < 0 || nl >= n) {
          end = n;
          break;
        }
        end = nl + 1;
        left--;
      }
      writeSync(dst, buf, 0, end);
      written += end;
    }
  } finally {
    closeSync(src);
    closeSync(dst);
  }
  return written;
}
