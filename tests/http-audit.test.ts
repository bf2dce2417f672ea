/**
 * The GraphQL-over-HTTP audit suite of the graphql-http package, run against the real server on
 * a real port (127.0.0.1), so HTTP semantics are exercised end to end. No audit may fail; the
 * optional (SHOULD/MAY) ones that warn are listed in the test output.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { auditServer } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../src/plugins/limits.js";
import { testDatabase, testServer } from "./helpers.js";

interface Answer {
  data?: { stats: { entities: number } };
  errors?: Array<{ extensions: { code: string } }>;
}

/** Sends a raw POST (so the test controls Content-Length and chunking); resolves status and JSON. */
function post(url: string, chunks: string[], headers: Record<string, string>): Promise<{ status: number; json: Answer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.on("data", (c) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

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

  // Bodies are capped by their declared length only (no byte counting), so one must be declared.
  it("answers a body of declared length, refuses chunked bodies (411) and oversized ones (413)", async () => {
    const body = JSON.stringify({ query: "{ stats { entities } }" });
    const ok = await post(url, [body], { "content-length": String(Buffer.byteLength(body)) });
    expect(ok.status).toBe(200);
    // A count, whatever an earlier test file left in the database: this test is about the body.
    expect(ok.json.data?.stats.entities).toEqual(expect.any(Number));

    const chunked = await post(url, [body.slice(0, 5), body.slice(5)], { "transfer-encoding": "chunked" });
    expect(chunked.status).toBe(411);
    expect(chunked.json.errors?.[0]?.extensions.code).toBe("LENGTH_REQUIRED");

    const big = JSON.stringify({ query: `{ stats { entities } } # ${"x".repeat(LIMITS.maxBodyBytes)}` });
    const tooBig = await post(url, [big], { "content-length": String(Buffer.byteLength(big)) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.errors?.[0]?.extensions.code).toBe("PAYLOAD_TOO_LARGE");
  });
});
