/**
 * The README's Errors table names every code a client can see: every code the code base defines
 * (our vocabulary, the limits, the HTTP guards) and every code graphql-yoga answers requests with.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config.js";
import { ERROR_CODES } from "../src/errors.js";
import { testDatabase, testServer } from "./helpers.js";

/** The codes in the first column of the README's Errors table. */
function readmeCodes(): Set<string> {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Errors"), readme.indexOf("\n## ", readme.indexOf("\n## Errors") + 1));
  return new Set([...section.matchAll(/^\| `([A-Z][A-Z_]+)`/gm)].map((m) => m[1] as string));
}

/** Every code written as a literal where an error is made in src/ (code: "X", clientError("X" ...). */
function sourceCodes(): Set<string> {
  const codes = new Set<string>(ERROR_CODES);
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? walk(full) : full.endsWith(".ts") ? [full] : [];
    });
  const made = /(?:\bcode: |clientError\(|\btag\(|rejectWith\(|refuse\(\d+, )"([A-Z][A-Z_]+)"/g;
  for (const file of walk(path.join(PROJECT_ROOT, "src"))) {
    for (const m of fs.readFileSync(file, "utf8").matchAll(made)) codes.add(m[1] as string);
  }
  return codes;
}

describe("the README's Errors table", () => {
  const db = testDatabase();
  const server = testServer(db);
  afterAll(() => db.close());

  it("lists every code the code base defines", () => {
    const listed = readmeCodes();
    const defined = sourceCodes();
    // The scan itself must find the codes of every kind of source, or it proves nothing.
    for (const code of ["NOT_FOUND", "QUERY_TOO_DEEP", "PAYLOAD_TOO_LARGE", "OPERATION_NOT_SUPPORTED", "LENGTH_REQUIRED"]) {
      expect(defined).toContain(code);
    }
    expect([...defined].filter((code) => !listed.has(code))).toEqual([]);
  });

  it("lists every code graphql-yoga answers a malformed request with", async () => {
    const post = (body: string) => ({
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body,
    });
    const requests: Array<[string, RequestInit, string?]> = [
      ["not GraphQL", post(JSON.stringify({ query: "{ stats " }))],
      ["not in the schema", post(JSON.stringify({ query: "{ nope }" }))],
      ["not JSON", post("{not json")],
      ["no query", post(JSON.stringify({}))],
      ["variables not an object", post(JSON.stringify({ query: "{ __typename }", variables: "x" }))],
      ["two operations, no name", post(JSON.stringify({ query: "query A { __typename } query B { __typename }" }))],
      ["PUT", { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" }],
      [
        "a mutation over GET",
        { method: "GET", headers: { accept: "application/json" } },
        `?query=${encodeURIComponent('mutation { removeEvidence(claim: "claim:x", study: "study:y") { id } }')}`,
      ],
    ];
    const listed = readmeCodes();
    const seen = new Map<string, string>();
    for (const [name, init, query = ""] of requests) {
      const response = await server.fetch(`http://localhost/graphql${query}`, init);
      const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      const code = body.errors?.[0]?.extensions?.code;
      expect(code, name).toBeTypeOf("string");
      expect(response.status, name).toBeGreaterThanOrEqual(400);
      seen.set(name, code as string);
    }
    expect([...seen].filter(([, code]) => !listed.has(code))).toEqual([]);
    expect(new Set(seen.values())).toEqual(
      new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST", "OPERATION_RESOLUTION_FAILURE"]),
    );
  });
});
