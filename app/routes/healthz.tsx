// Liveness: the web process is up and serving (no dependency is checked).
export const loader = () => new Response("ok", { headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
