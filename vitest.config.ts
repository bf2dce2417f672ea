import { defineConfig } from "vitest/config";

export default defineConfig({
  // graphql ships ESM (.mjs) and CJS builds; Pothos and yoga must share one copy or graphql-js
  // refuses its own types ("Cannot use GraphQLScalarType from another module or realm").
  resolve: { alias: { graphql: "graphql/index.js" } },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // Test files share one Neo4j and clear it; running them one at a time keeps them isolated.
    fileParallelism: false,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: ".vitest/results.json" }]],
    // Generous: tests wait for states, and a machine shared with other work may be slow.
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
