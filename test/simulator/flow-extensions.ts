// Flow trigger handles the app declares: every [[extensions]] block of type
// flow_trigger in extensions/*/shopify.extension.toml, plus any handles the
// server options add. A line-based read, not a TOML parser: the simulator only
// needs `type` and `handle` of each block.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ServerState } from "./state";

export function flowTriggerHandles(state: ServerState): Set<string> {
  const handles = new Set(state.options.flowTriggerHandles);
  const dir = state.options.extensionsDir;
  if (dir && existsSync(dir)) {
    for (const ext of readdirSync(dir, { withFileTypes: true })) {
      if (!ext.isDirectory()) continue;
      const f = join(dir, ext.name, "shopify.extension.toml");
      if (!existsSync(f)) continue;
      const text = readFileSync(f, "utf8");
      // Each [[extensions]] block: take its handle when its type is flow_trigger.
      for (const block of text.split(/^\s*\[\[extensions\]\]\s*$/m).slice(1)) {
        const body = block.split(/^\s*\[(?!\[extensions\])/m)[0];
        const type = /^\s*type\s*=\s*"([^"]+)"/m.exec(body)?.[1];
        const handle = /^\s*handle\s*=\s*"([^"]+)"/m.exec(body)?.[1];
        if (type === "flow_trigger" && handle) handles.add(handle);
      }
    }
  }
  return handles;
}
