/**
 * kg.beamSearch is a standard Neo4j plugin (tools/kg-procedures, built to plugins/kg-procedures.jar):
 * the embedded launcher carries no copy of it and loads it from its home's plugins directory, as
 * Docker's image (docker-compose.yml) and a self-managed server do.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config.js";
import { PLUGIN_JAR } from "../src/db/embedded.js";
import { TEST_EMBEDDED_HOME } from "../src/db/provision.js";
import { NATIVE_SEARCH_PROCEDURE } from "../src/graph/native-search.js";
import { testDatabase } from "./helpers.js";

const LAUNCHER_TARGET = path.join(PROJECT_ROOT, "tools", "neo4j-embedded", "target");
const PROCEDURE_CLASS = "kg/procedures/BeamSearch.class";

// A jar's entry names are stored uncompressed: enough to tell whether it holds a class.
const holds = (jar: string, entry: string) => fs.readFileSync(jar).includes(entry);

describe("the chain search as a Neo4j plugin", () => {
  it("is built as a jar of its own, and the launcher's classpath has no copy of it", () => {
    expect(holds(PLUGIN_JAR, PROCEDURE_CLASS)).toBe(true);
    expect(holds(path.join(LAUNCHER_TARGET, "neo4j-embedded-1.0.0.jar"), "BeamSearch")).toBe(false);
    expect(fs.readdirSync(path.join(LAUNCHER_TARGET, "lib")).filter((jar) => jar.startsWith("kg-"))).toEqual([]);
  });

  // Which plugins a configured server (NEO4J_URI) or a test container has is not the project's to say.
  it.skipIf(process.env.KG_TEST_NEO4J_ORIGIN !== "embedded")(
    "is loaded by the embedded Neo4j from its home's plugins directory",
    async () => {
      const home = process.env.NEO4J_TEST_HOME ?? TEST_EMBEDDED_HOME;
      expect(holds(path.join(home, "plugins", path.basename(PLUGIN_JAR)), PROCEDURE_CLASS)).toBe(true);
      const db = testDatabase();
      try {
        const result = await db.read("SHOW PROCEDURES YIELD name, mode WHERE name = $name RETURN name, mode", {
          name: NATIVE_SEARCH_PROCEDURE,
        });
        expect(result.records.map((r) => r.toObject())).toEqual([{ name: NATIVE_SEARCH_PROCEDURE, mode: "READ" }]);
      } finally {
        await db.close();
      }
    },
  );
});
