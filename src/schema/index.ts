/** Imports every slice, then builds the schema. */
import { lexicographicSortSchema } from "graphql";
import { builder } from "./builder.js";
import "./common.js";
import "./entity.js";
import "./claim.js";
import "./evidence.js";
import "./study.js";
import "./search.js";
import "./chain.js";
import "./subgraph.js";
import "./stats.js";
import "./mutations.js";
import "./kgx.js";

export const schema = builder.toSchema();
/** Sorted, as printed into schema/schema.graphql, so that schema changes show in review. */
export const sortedSchema = lexicographicSortSchema(schema);
