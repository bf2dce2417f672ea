import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The browser tests: `npm run test:browser`. They start their own `npm start` (tests/browser/service.ts),
// so no global database set-up here; one file, steps in order, sharing one page.
export default defineConfig({
  resolve: { alias: { graphql: "graphql/index.js" } },
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["tests/browser/**/*.e2e.ts"],
    fileParallelism: false,
    sequence: { concurrent: false },
    reporters: ["default", ["json", { outputFile: ".vitest/browser-results.json" }]],
    testTimeout: 120_000,
    hookTimeout: 10 * 60_000,
  },
});
