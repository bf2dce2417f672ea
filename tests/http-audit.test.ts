/**
 * The GraphQL-over-HTTP audit suite of the graphql-http package, run against the real server on
 * a real port (127.0.0.1), so HTTP semantics are exercised end to end. No audit may fail; the
 * optional (SHOULD/MAY) ones that warn are listed in the test output.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { auditServer } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, testServer } from "./helpers.js";

describe("GraphQL over HTTP conformance", () => {
  const db = testDatabase();
  let http: Server;
  let url: string;

  beforeAll(async () => {
    const yoga = testServer(db);
    http = createServer(yoga);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
    await db.close();
  });

  it("passes every audit of graphql-http", async () => {
    const results = await auditServer({ url });
    const failures = results.flatMap((r) => (r.status === "error" ? [`${r.name}: ${r.reason}`] : []));
    const warnings = results.flatMap((r) => (r.status === "warn" ? [`${r.name}: ${r.reason}`] : []));
    if (warnings.length) console.info(`graphql-http audit warnings:\n${warnings.join("\n")}`);
    expect(failures).toEqual([]);
    expect(results.filter((r) => r.status === "ok").length).toBeGreaterThan(20);
  });
});
