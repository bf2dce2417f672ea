/** The single Pothos SchemaBuilder: context type, scalars. Nothing else configures it. */
import SchemaBuilder from "@pothos/core";
import { JSONResolver } from "graphql-scalars";
import type { Database, QueryCounter } from "../db/database.js";
import type { NativeSearch } from "../graph/native-search.js";
import type { TraversalCache } from "../graph/traversal-cache.js";
import type { Logger } from "../logger.js";

export interface Context {
  db: Database;
  /** Cypher round trips made for this request (a test asserts the bound). */
  counter: QueryCounter;
  /** The token's name when the request carries a valid write token. */
  actor?: string;
  /** Why writes are refused for this request, when they are. */
  writeDenied?: { code: "UNAUTHENTICATED" | "WRITES_DISABLED"; message: string };
  signal?: AbortSignal;
  /** Present when chain searches may use the database's procedure (KG_NATIVE_SEARCH=auto). */
  nativeSearch?: NativeSearch;
  /** Shared by the server's requests; absent when KG_TRAVERSAL_CACHE_ENTRIES is 0. */
  traversalCache?: TraversalCache;
  requestId: string;
  log: Logger;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: { JSON: { Input: unknown; Output: unknown }; ID: { Input: string; Output: string } };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
});

builder.addScalarType("JSON", JSONResolver, {});
builder.queryType({ description: "Reads are public." });
