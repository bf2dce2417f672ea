/**
 * Errors say whose fault: a server-side failure while executing a field (a non-null field that
 * came back null, a thrown error) is INTERNAL_SERVER_ERROR whichever executor met it (graphql-js
 * or graphql-jit), with nothing of the original shown; graphql-js's request errors are
 * BAD_USER_INPUT; our own codes pass unchanged.
 */
import { buildSchema, execute, type GraphQLError, parse, validate } from "graphql";
import { compileQuery, isCompiledQuery } from "graphql-jit";
import { describe, expect, it } from "vitest";
import { clientError } from "../src/errors.js";
import { errorMasker } from "../src/plugins/mask-errors.js";
import { testLog } from "./helpers.js";

const schema = buildSchema(`type Summary { score: Float! } type Query { summary: Summary broken: Int }`);
const fields = schema.getQueryType()?.getFields() ?? {};
// summary's score is missing: a non-null violation, the server's fault; broken throws.
Object.assign(fields.summary ?? {}, { resolve: () => ({}) });
Object.assign(fields.broken ?? {}, {
  resolve: () => {
    throw new TypeError("cannot read properties of undefined (reading 'secret')");
  },
});
const document = parse("{ summary { s: score } broken }");
const mask = errorMasker(testLog);
const codeOf = (error: Error) => (error as GraphQLError).extensions?.code;

describe("error masking", () => {
  it("answers a non-null violation and a thrown error from graphql-js as INTERNAL_SERVER_ERROR", async () => {
    const result = await execute({ schema, document });
    expect(result.errors?.length).toBe(2);
    for (const error of result.errors ?? []) {
      const masked = mask(error, "Unexpected error.", false) as GraphQLError;
      expect(codeOf(masked)).toBe("INTERNAL_SERVER_ERROR");
      expect(masked.message).toBe("Unexpected error.");
      expect(JSON.stringify(masked.toJSON())).not.toMatch(/secret|non-nullable/);
      expect(masked.path?.length).toBeGreaterThan(0);
    }
  });

  it("answers the same errors from graphql-jit as INTERNAL_SERVER_ERROR too", async () => {
    const compiled = compileQuery(schema, document);
    if (!isCompiledQuery(compiled)) throw new Error("graphql-jit did not compile the test document");
    const result = await compiled.query({}, {}, {});
    expect(result.errors?.length).toBe(2);
    for (const error of result.errors ?? []) {
      expect(codeOf(mask(error, "Unexpected error.", false))).toBe("INTERNAL_SERVER_ERROR");
    }
  });

  it("answers graphql-js's request errors as BAD_USER_INPUT, with its message", () => {
    const [invalid] = validate(schema, parse("{ nothing }"));
    const masked = mask(invalid as GraphQLError, "Unexpected error.", false) as GraphQLError;
    expect(codeOf(masked)).toBe("BAD_USER_INPUT");
    expect(masked.message).toMatch(/nothing/);
  });

  it("passes errors of our vocabulary unchanged", () => {
    const ours = clientError("NOT_FOUND", "No entity with id x.");
    expect(mask(ours, "Unexpected error.", false)).toBe(ours);
  });
});
