// Access scopes as Shopify grants them: a comma-separated list ("read_orders,write_customers").

/** Whether the granted list allows `scope`; a write_ scope implies its read_ scope. */
export function grantsScope(granted: string, scope: string): boolean {
  const scopes = granted.split(",").map((s) => s.trim());
  return scopes.includes(scope) || (scope.startsWith("read_") && scopes.includes(`write_${scope.slice("read_".length)}`));
}
