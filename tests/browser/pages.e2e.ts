/**
 * The pages in a real browser (Debian's Chromium driven by playwright-core) against a real
 * `npm start`: GraphiQL renders and runs an example; the explorer finds "vagus", draws its
 * neighbourhood, shows the chains from magnesium glycinate to anxiety and the studies behind a
 * link, focuses an evidence gap, and its exports download and parse. Every request is
 * intercepted: any host but 127.0.0.1/localhost fails the run (and is never sent). Console errors
 * (CSP violations among them) fail it too. Screenshots of each step go to SCREENSHOT_DIR.
 */
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { type Browser, type BrowserContext, chromium, type Download, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config.js";
import { type RunningService, startService } from "./service.js";

const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? path.join(PROJECT_ROOT, ".artifacts", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let service: RunningService;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const outside: string[] = [];
const consoleErrors: string[] = [];

async function shot(name: string) {
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

async function downloaded(download: Download): Promise<Buffer> {
  const file = path.join(SCREENSHOT_DIR, "downloads", download.suggestedFilename());
  await download.saveAs(file);
  return fs.readFileSync(file);
}

const renders = () => page.evaluate(() => Number(document.body.dataset.renders ?? 0));

/** Does something, then waits until the explorer has rendered once more, and without error. */
async function settled(action: () => Promise<unknown>) {
  const before = await renders();
  await action();
  await page.waitForFunction((count) => Number(document.body.dataset.renders ?? 0) > count, before, { timeout: 90_000 });
  // A render can queue behind another: wait until the last one is done.
  await page.waitForFunction(() => document.getElementById("status")?.textContent !== "Loading…", null, { timeout: 90_000 });
  expect(await page.locator("body").getAttribute("data-ready")).toBe("true");
}

/** Opens an explorer URL and waits for its first render. */
async function open(urlPath: string) {
  await page.goto(`${service.origin}${urlPath}`);
  await page.waitForFunction(() => Number(document.body.dataset.renders ?? 0) > 0, null, { timeout: 90_000 });
  expect(await page.locator("body").getAttribute("data-ready")).toBe("true");
}

/** Types into a search box and picks the option whose text matches, with the keyboard only. */
async function pick(input: string, text: string, option: RegExp) {
  const box = page.locator(input);
  await box.fill("");
  await box.pressSequentially(text, { delay: 20 });
  const list = page.locator(`#${await box.getAttribute("aria-controls")}`);
  await list.getByRole("option", { name: option }).first().waitFor();
  // Keyboard only: arrow to the option, Enter to pick it.
  const options = await list.getByRole("option").allTextContents();
  const index = options.findIndex((o) => option.test(o));
  expect(index).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < index; i++) await box.press("ArrowDown");
  await settled(() => box.press("Enter"));
}

describe("the pages in Chromium", () => {
  beforeAll(async () => {
    fs.mkdirSync(path.join(SCREENSHOT_DIR, "downloads"), { recursive: true });
    console.log(`screenshots: ${SCREENSHOT_DIR}`);
    service = await startService();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
    context = await browser.newContext({ viewport: { width: 1500, height: 900 }, acceptDownloads: true });
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      const local = url.protocol === "data:" || url.protocol === "blob:" || ["127.0.0.1", "localhost"].includes(url.hostname);
      if (local) return route.continue();
      outside.push(route.request().url());
      return route.abort("blockedbyclient");
    });
    page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
    // Requests from workers and anything the router could miss.
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (!["data:", "blob:"].includes(url.protocol) && !["127.0.0.1", "localhost"].includes(url.hostname))
        outside.push(request.url());
    });
  }, 10 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  }, 120_000);

  it("opens the home page, which links to GraphiQL, the explorer and the exports", async () => {
    await page.goto(`${service.origin}/`);
    await expect(page.getByRole("link", { name: "Explorer" }).getAttribute("href")).resolves.toBe("/explore");
    await expect(page.getByRole("link", { name: "GraphiQL" }).getAttribute("href")).resolves.toBe("/graphql");
    expect(await page.locator('a[href^="/export/graph"]').count()).toBeGreaterThan(0);
    await shot("01-home");
  });

  it("renders GraphiQL from this service and runs an example", async () => {
    await page.goto(`${service.origin}/graphql`);
    await page.locator(".graphiql-container").first().waitFor();
    await page.locator(".graphiql-editor .view-lines").first().waitFor();
    await page.getByText("query ChainsToAnxiety").first().click();
    await page.locator(".graphiql-execute-button").click();
    const menu = page.getByRole("menuitem", { name: "ChainsToAnxiety" });
    if (await menu.isVisible().catch(() => false)) await menu.click();
    await expect
      .poll(async () => page.locator(".graphiql-response").textContent(), { timeout: 60_000 })
      .toContain("mechanismChains");
    expect(await page.locator(".graphiql-response").textContent()).toContain("magnesium");
    await shot("02-graphiql-example");
  });

  it("finds vagus and draws its neighbourhood, with a legend", async () => {
    await open("/explore");
    await pick("#search", "vagus", /^Vagus nerve\s*entity$/i);
    expect(new URL(page.url()).searchParams.get("id")).toBe("vagus-nerve");
    expect(Number(await page.locator("#count-nodes").textContent())).toBeGreaterThan(3);
    expect(Number(await page.locator("#count-edges").textContent())).toBeGreaterThan(2);
    expect(await page.locator("#legend-kinds .legend-item").count()).toBeGreaterThan(5);
    await expect(page.locator("#details h2").textContent()).resolves.toMatch(/vagus/i);
    await shot("03-explorer-vagus");
  });

  it("restores a view from its URL, and back and forward move between views", async () => {
    const vagusUrl = page.url();
    await settled(() =>
      page
        .locator("#view-nodes button", { hasNotText: /^Vagus nerve$/ })
        .first()
        .click(),
    ); // expand a neighbour
    const expanded = page.url();
    expect(new URL(expanded).searchParams.get("x")).toBeTruthy();
    await settled(() => page.locator("#back").click());
    expect(page.url()).toBe(vagusUrl);
    await settled(() => page.locator("#forward").click());
    expect(page.url()).toBe(expanded);
    await open(new URL(vagusUrl).pathname + new URL(vagusUrl).search);
    expect(Number(await page.locator("#count-nodes").textContent())).toBeGreaterThan(3);
  });

  it("shows the ranked chains from magnesium glycinate to anxiety, highlighted", async () => {
    await pick("#search", "magnesium glycinate", /^Magnesium glycinate\s*entity$/i);
    await pick("#to-search", "anxiety", /^Anxiety\s*entity$/i);
    const chains = page.locator("#chains li.chain");
    expect(await chains.count()).toBeGreaterThan(0);
    await expect(chains.first().textContent()).resolves.toMatch(/score \d\.\d\d/);
    expect(await page.locator("#chains li.chain.selected").count()).toBe(1);
    await expect(page.locator("#details h2").textContent()).resolves.toMatch(/Chain 1/);
    await shot("04-explorer-chains");
  });

  it("shows the claims and studies behind a link of a chain", async () => {
    // The first link whose evidence is more than a definition or a gap.
    const links = page.locator("#chains li.chain.selected .chain-links li");
    const texts = await links.allTextContents();
    const index = texts.findIndex((t) => !/definitional|none cited/.test(t));
    expect(index).toBeGreaterThanOrEqual(0);
    await settled(() => links.nth(index).getByRole("button").click());
    await page.locator(".link-details").first().waitFor();
    const studies = page.locator("ul.studies li.study");
    expect(await studies.count()).toBeGreaterThan(0);
    const first = await studies.first().textContent();
    expect(first).toMatch(/supports|contradicts|mixed/);
    expect(first).toMatch(/\b(19|20)\d\d\b/); // the year
    expect(first).toMatch(/voice:/);
    await expect(page.locator(".claim .meta").first().textContent()).resolves.toMatch(/Stated in/);
    await shot("05-explorer-link-studies");
  });

  it("focuses the graph on an evidence gap and on a contradiction", async () => {
    await settled(() => page.locator("#gaps button").first().click());
    await expect(page.locator("#details").textContent()).resolves.toMatch(/No study cited/);
    expect(await page.evaluate(() => document.querySelectorAll("#view-edges li").length)).toBeGreaterThan(0);
    await shot("06-explorer-gap");
    await page.getByRole("tab", { name: "Contradictions" }).click();
    const items = page.locator("#contradictions button");
    if ((await items.count()) > 0) {
      await settled(() => items.first().click());
      await expect(page.locator("#details h2").first().textContent()).resolves.toBeTruthy();
      await shot("07-explorer-contradiction");
    }
  });

  it("exports the drawing as PNG, SVG and Cytoscape JSON", async () => {
    await open("/explore?id=vagus-nerve&hops=1&first=30");
    await page.locator(".export summary").click();
    const [png] = await Promise.all([page.waitForEvent("download"), page.locator("#export-png").click()]);
    const pngBytes = await downloaded(png);
    expect(pngBytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    const [svg] = await Promise.all([page.waitForEvent("download"), page.locator("#export-svg").click()]);
    const svgText = (await downloaded(svg)).toString("utf8");
    expect(svgText).toMatch(/^<\?xml[^>]*\?>\s*<svg /);
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "image/svg+xml");
      return { errors: doc.getElementsByTagName("parsererror").length, circles: doc.getElementsByTagName("circle").length };
    }, svgText);
    expect(parsed.errors).toBe(0);
    expect(parsed.circles).toBe(Number(await page.locator("#count-nodes").textContent()));
    const [json] = await Promise.all([page.waitForEvent("download"), page.locator("#export-json").click()]);
    const elements = JSON.parse((await downloaded(json)).toString("utf8")).elements;
    expect(elements.nodes.length).toBe(parsed.circles);
    await shot("08-explorer-export-menu");
  });

  it("downloads the service's exports of the view (Cytoscape JSON, GraphML, KGX) and they parse", async () => {
    const links = page.locator("#export-neighborhood a");
    const byFormat = async (format: string) => {
      const link = links.and(page.locator(`[href$="format=${format}"]`));
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      return downloaded(download);
    };
    const cytoscape = JSON.parse((await byFormat("cytoscape")).toString("utf8"));
    expect(cytoscape.elements.nodes.some((n: { data: { id: string } }) => n.data.id.includes("vagus-nerve"))).toBe(true);
    const graphml = (await byFormat("graphml")).toString("utf8");
    const parsed = await page.evaluate(
      (text) => new DOMParser().parseFromString(text, "application/xml").getElementsByTagName("node").length,
      graphml,
    );
    expect(parsed).toBeGreaterThan(1);
    const nodesTsv = (await byFormat("kgx-nodes-tsv")).toString("utf8").trim().split("\n");
    expect(nodesTsv[0]?.split("\t")).toContain("id");
    expect(nodesTsv.length).toBeGreaterThan(2);
    const edgesJsonl = (await byFormat("kgx-edges-jsonl")).toString("utf8").trim().split("\n");
    expect(edgesJsonl.map((line) => JSON.parse(line)).every((e) => e.subject && e.predicate && e.object)).toBe(true);
    // A gzipped tar (the KGX archive form): the ustar magic is in the first header, once unzipped.
    const tar = gunzipSync(await byFormat("kgx-tar"));
    expect(tar.subarray(257, 262).toString("latin1")).toBe("ustar");
  });

  it("waits and asks again when the server answers BUSY, as its Retry-After says", async () => {
    // The server's own refusal, sent to the explorer's first GraphQL request: 503, BUSY, Retry-After.
    let refused = 0;
    await page.route("**/graphql", (route) => {
      if (refused > 0 || route.request().method() !== "POST") return route.fallback();
      refused++;
      return route.fulfill({
        status: 503,
        headers: { "content-type": "application/json", "retry-after": "1" },
        body: JSON.stringify({ errors: [{ message: "The server is busy.", extensions: { code: "BUSY" } }] }),
      });
    });
    const errorsBefore = consoleErrors.length;
    try {
      await open("/explore?id=vagus-nerve&hops=1&first=30");
      expect(refused).toBe(1);
      // Chromium logs the refused request itself ("status of 503"): that one, and only that, is expected.
      const logged = consoleErrors.splice(errorsBefore);
      expect(logged.filter((e) => !/status of 503/.test(e))).toEqual([]);
      // open() found the render done without error (data-ready "true", not "error").
      expect(Number(await page.locator("#count-nodes").textContent())).toBeGreaterThan(1);
      await shot("09-explorer-after-busy");
    } finally {
      await page.unroute("**/graphql");
    }
  });

  it("sent no request to another host and logged no console error", () => {
    expect(outside).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
