/** The single Pothos SchemaBuilder: context type, scalars, the complexity plugin (complexity.ts). Nothing else configures it. */
import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import { JSONResolver } from "graphql-scalars";
import type { Context } from "../context.js";
import { complexityError, fieldComplexity } from "./complexity.js";

/** The request context lives in src/context.ts; re-exported for slices that import it from here. */
export type { Context } from "../context.js";

export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: { JSON: { Input: unknown; Output: unknown }; ID: { Input: string; Output: string } };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ComplexityPlugin],
  complexity: {
    fieldComplexity,
    complexityError,
    // The limit is the server's setting (KG_MAX_COMPLEXITY), carried by each request's context.
    limit: (ctx) => ({ complexity: ctx.maxComplexity }),
  },
});

builder.addScalarType("JSON", JSONResolver, {});
builder.queryType({ description: "Reads are public." });
