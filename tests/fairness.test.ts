/**
 * Fairness under load (plugins/fairness.ts): heavy operations take turns through a bounded gate
 * and the rest get BUSY before any Cypher; cheap operations never wait behind them. The gate is
 * checked on its own (slots, queue, waits, signals), then through the server with one slot and
 * no queue, the slot held by the test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { busyError, WorkGate } from "../src/plugins/fairness.js";
import { createServer } from "../src/server.js";
import { clearGraph, gql, seedArticle, testDatabase, testLog } from "./helpers.js";

describe("the work gate", () => {
  it("lets `slots` in, queues up to `queueMax`, refuses beyond, and hands a slot on when one leaves", async () => {
    const gate = new WorkGate(2, 1);
    const a = await gate.enter(1_000);
    const b = await gate.enter(1_000);
    expect(a && b).toBeTruthy();
    const queued = gate.enter(60_000);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
    expect(await gate.enter(60_000)).toBeUndefined(); // the queue is full: refused at once
    a?.();
    a?.(); // giving a slot back twice gives it back once
    const c = await queued;
    expect(c).toBeTypeOf("function");
    expect(gate.load).toEqual({ running: 2, waiting: 0 });
    b?.();
    c?.();
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it("gives up waiting when the wait runs out or the request's signal aborts, and leaves the queue", async () => {
    const gate = new WorkGate(1, 5);
    const held = await gate.enter(1_000);
    expect(await gate.enter(0)).toBeUndefined();
    const controller = new AbortController();
    const waiting = gate.enter(60_000, controller.signal);
    expect(gate.load.waiting).toBe(1);
    controller.abort();
    expect(await waiting).toBeUndefined();
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
    held?.();
    expect(gate.load.running).toBe(0);
  });
});

describe("a server with one heavy slot and no queue", () => {
  const db = testDatabase();
  beforeAll(async () => seedArticle(db));
  afterAll(async () => {
    await clearGraph(db);
    await db.close();
  });
  const HEAVY = `{ mechanismChains(from: "magnesium-glycinate", to: "anxiety", maxHops: 4, first: 5) { hops } }`;
  const CHEAP = `{ entity(id: "magnesium") { name } }`;

  it("refuses a heavy request with BUSY (503, Retry-After) and no Cypher while the slot is taken, and serves cheap ones", async () => {
    const gate = new WorkGate(1, 0);
    const config = loadConfig({ ...process.env, KG_BUSY_WAIT_MS: "0" });
    const yoga = createServer({ db, config, log: testLog, gate });
    const held = await gate.enter(0); // the one slot, taken as a heavy request would take it
    try {
      const response = await yoga.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", "x-kg-debug": "cypher-queries" },
        body: JSON.stringify({ query: HEAVY }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
      const busy = (await response.json()) as {
        data?: unknown;
        errors: Array<{ message: string; extensions: { code: string } }>;
      };
      expect(busy.data).toBeUndefined();
      expect(busy.errors).toEqual([{ message: busyError(gate).message, extensions: { code: "BUSY" } }]);
      // A cheap operation is not gated: it runs while the only slot is taken.
      const cheap = await gql(yoga, CHEAP);
      expect(cheap.errors).toBeUndefined();
      expect(cheap.data.entity.name).toBe("Magnesium");
    } finally {
      held?.();
    }
    // The slot free again, the same heavy request runs, and gives its slot back.
    const again = await gql(yoga, HEAVY);
    expect(again.errors).toBeUndefined();
    expect(again.data.mechanismChains.length).toBeGreaterThan(0);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });
});

describe("a cap on what one answer weighs", () => {
  const db = testDatabase();
  beforeAll(async () => seedArticle(db));
  afterAll(async () => {
    await clearGraph(db);
    await db.close();
  });

  it("answers RESPONSE_TOO_LARGE (400) instead of an answer past KG_MAX_RESPONSE_BYTES, and small answers as ever", async () => {
    // Every operation weighed (KG_HEAVY_COST 1), against the smallest cap the setting allows.
    const config = loadConfig({ ...process.env, KG_MAX_RESPONSE_BYTES: "1000", KG_HEAVY_COST: "1" });
    const yoga = createServer({ db, config, log: testLog });
    const big = await gql(yoga, "{ claims(first: 50) { nodes { id statement } } }");
    expect(big.status).toBe(400);
    expect(big.data).toBeUndefined();
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: "RESPONSE_TOO_LARGE", limit: 1000 });
    expect(big.errors?.[0]?.extensions?.found).toBeGreaterThan(1000);
    const small = await gql(yoga, `{ entity(id: "magnesium") { name } }`);
    expect(small.errors).toBeUndefined();
    expect(small.data.entity.name).toBe("Magnesium");
  });
});
