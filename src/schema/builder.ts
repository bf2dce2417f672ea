/** The single Pothos SchemaBuilder: context type, scalars. Nothing else configures it. */
import SchemaBuilder from "@pothos/core";
import { JSONResolver } from "graphql-scalars";
import type { Context } from "../context.js";

/** The request context lives in src/context.ts; re-exported for slices that import it from here. */
export type { Context } from "../context.js";

export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: { JSON: { Input: unknown; Output: unknown }; ID: { Input: string; Output: string } };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
});

builder.addScalarType("JSON", JSONResolver, {});
builder.queryType({ description: "Reads are public." });
