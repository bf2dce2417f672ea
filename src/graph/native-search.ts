/**
 * Whether the database offers `kg.beamSearch`: the chain search of translate/chain.ts as a Java
 * procedure, in a standard Neo4j plugin (tools/kg-procedures, built to plugins/kg-procedures.jar)
 * that the embedded launcher, docker-compose.yml and any server with the jar in its plugins
 * directory load. A Neo4j without it (Aura, a server without the jar) gets the same search as
 * Cypher. Asked once per server, at start, outside any request's round trips; a failed ask
 * (database not up yet) is asked again by the next search.
 */
import type { NativeSearchProbe } from "../context.js";
import type { Database } from "../db/database.js";

export const NATIVE_SEARCH_PROCEDURE = "kg.beamSearch";

/** Whether the database offers the procedure `name` (the plugin's kg.beamSearch, kg.refreshStrongestLinks). */
export async function hasProcedure(db: Database, name: string): Promise<boolean> {
  const result = await db.read("SHOW PROCEDURES YIELD name WHERE name = $name RETURN count(*) > 0 AS present", { name });
  return result.records[0]?.get("present") === true;
}

export class NativeSearch implements NativeSearchProbe {
  private answer?: Promise<boolean>;

  constructor(private readonly db: Database) {}

  available(): Promise<boolean> {
    this.answer ??= hasProcedure(this.db, NATIVE_SEARCH_PROCEDURE).catch(() => {
      this.answer = undefined;
      return false;
    });
    return this.answer;
  }
}
