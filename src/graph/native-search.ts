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

export class NativeSearch implements NativeSearchProbe {
  private answer?: Promise<boolean>;

  constructor(private readonly db: Database) {}

  available(): Promise<boolean> {
    this.answer ??= this.db
      .read("SHOW PROCEDURES YIELD name WHERE name = $name RETURN count(*) > 0 AS present", {
        name: NATIVE_SEARCH_PROCEDURE,
      })
      .then((result) => result.records[0]?.get("present") === true)
      .catch(() => {
        this.answer = undefined;
        return false;
      });
    return this.answer;
  }
}
