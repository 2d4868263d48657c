import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

export default defineConfig({
  server: { port: Number(process.env.PORT || 3000) },
  plugins: [
    remix({
      // The browser tests build into a directory of their own (test/support/browser.ts).
      buildDirectory: process.env.REMIX_BUILD_DIRECTORY || "build",
      ignoredRouteFiles: ["**/.*", "**/*.test.ts"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        // Off: loaders answer JSON, so loader data is typed as JSON (no `Future`
        // type augmentation for single fetch).
        v3_singleFetch: false,
      },
    }),
  ],
  build: { assetsInlineLimit: 0 },
});
