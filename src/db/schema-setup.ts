/** Applies schema/constraints.cypher: idempotent (IF NOT EXISTS), safe on every start-up. */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../config.js";
import type { Database } from "./database.js";

const CONSTRAINTS_FILE = path.join(PROJECT_ROOT, "schema", "constraints.cypher");

export function constraintStatements(file = CONSTRAINTS_FILE): string[] {
  const withoutComments = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
  return withoutComments
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function applyConstraints(db: Database): Promise<number> {
  const statements = constraintStatements();
  // Schema commands cannot share a transaction with each other or with data writes.
  for (const statement of statements) {
    await db.write((tx) => tx.run(statement));
  }
  await db.write((tx) => tx.run("CALL db.awaitIndexes(120)"));
  return statements.length;
}
