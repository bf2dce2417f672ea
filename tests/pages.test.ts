/**
 * Every page is served from this service alone: the pages and every file they load (followed
 * from the HTML, CSS and JS themselves, plus every file under web/ and GraphiQL's and
 * Cytoscape's assets) name no outside host, and every response carries a Content-Security-Policy
 * that allows this origin only.
 *
 * What "names an outside host" means, file by file:
 * - Our own files (web/, the rendered pages): no absolute URL at all, except the XML namespace
 *   identifiers below. A namespace is an identifier that an XML or SVG parser compares as a string;
 *   nothing fetches it.
 * - Vendored bundles (GraphiQL's React/Monaco build, Cytoscape.js): no URL in a position that
 *   loads something (src/href attributes, CSS url() and @import, import/import(), fetch,
 *   importScripts, new Worker). Their other mentions (documentation links inside error messages,
 *   JSON Schema `$schema` identifiers, licence headers) are text, not loads; their hosts must be on
 *   the reviewed list below, so an upgrade that brings a new host fails here until someone looks.
 * The browser test (tests/browser/) checks the same at run time: no request leaves 127.0.0.1.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FIXED_ASSET_PATHS, WEB_ROOT } from "../src/http/pages.js";
import { testDatabase, testServer } from "./helpers.js";

const XML_NAMESPACES = new Set([
  "http://www.w3.org/2000/svg",
  "http://www.w3.org/1999/xlink",
  "http://www.w3.org/1999/xhtml",
  "http://www.w3.org/XML/1998/namespace",
  "http://www.w3.org/2000/xmlns/",
  "http://www.w3.org/1998/Math/MathML",
]);

/** Hosts that vendored bundles mention as text only (links in messages and comments, schema ids). */
const REVIEWED_TEXT_HOSTS = new Set([
  "www.w3.org",
  "json-schema.org",
  "github.com",
  "www.rapidtables.com",
  "en.wikipedia.org",
  "code.visualstudio.com",
  "yarnpkg.com",
  "lists.w3.org",
  "www.example.com",
  "24ways.org",
  "react.dev",
  "prettier.io",
  "commonmark.org",
  "www.onegraph.com",
  "radix-ui.com",
  "microsoft.com",
  "dummyhostname.com",
  "js.cytoscape.org",
  "reactjs.org",
  "fb.me",
  "mths.be",
  "tools.ietf.org",
  "www.ecma-international.org",
  "spec.graphql.org",
  "graphql.org",
  "go.microsoft.com",
  "aka.ms",
  "developer.mozilla.org",
  "www.unicode.org",
  "unicode.org",
  "floating-ui.com",
  "the-guild.dev",
  "bugs.chromium.org",
  "crbug.com",
  "stackoverflow.com",
  "www.typescriptlang.org",
  "www.npmjs.com",
  "npmjs.com",
  "vitejs.dev",
  "webkit.org",
  "bugzilla.mozilla.org",
  "www.iana.org",
  "html.spec.whatwg.org",
  "drafts.csswg.org",
  "www.w3schools.com",
  "engelschall.com",
  "opensource.org",
]);

const ABSOLUTE_URL = /\b(https?):\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?[^\s"'`)<>\\]*/gi;
const LOADING_POSITIONS = [
  /\b(?:src|href|action|poster|data)\s*=\s*\\?["']?\s*(?:https?:)?\/\/[a-z0-9-]/i,
  /url\(\s*\\?["']?\s*(?:https?:)?\/\/[a-z0-9-]/i,
  /@import\s+\\?["']\s*(?:https?:)?\/\//i,
  /\b(?:importScripts|fetch|import)\(\s*\\?["'`]\s*(?:https?:)?\/\//i,
  /\bnew\s+(?:Shared)?Worker\(\s*\\?["'`]\s*(?:https?:)?\/\//i,
  /\bfrom\s*\\?["']\s*(?:https?:)?\/\//i,
];

function outsideUrls(text: string): string[] {
  return [...text.matchAll(ABSOLUTE_URL)]
    .map((m) => m[0])
    .filter((url) => !XML_NAMESPACES.has(url.replace(/[.,;]+$/, "")))
    .filter((url) => !/^https?:\/\/(127\.0\.0\.1|localhost)\b/i.test(url));
}

/** Same-origin references a file makes: HTML attributes, CSS url()/@import, JS imports. */
function references(urlPath: string, text: string): string[] {
  const found = [
    ...text.matchAll(/\b(?:src|href)="(\/[^"/][^"]*)"/g),
    ...text.matchAll(/url\(\s*["']?(\/[^"')]+)["']?\s*\)/g),
    ...text.matchAll(/\bfrom\s*["']([./][^"']+)["']/g),
    ...text.matchAll(/\bimport\s*\(?\s*["']([./][^"']+)["']/g),
  ].map((m) => m[1] as string);
  return found.map((ref) => new URL(ref, `http://localhost${urlPath}`).pathname);
}

function webFiles(dir = WEB_ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? webFiles(full) : [`/assets/${path.relative(WEB_ROOT, full).split(path.sep).join("/")}`];
  });
}

describe("pages served from this service alone", () => {
  const db = testDatabase();
  const server = testServer(db);
  afterAll(() => db.close());

  const get = (urlPath: string) => server.fetch(`http://localhost${urlPath}`, { headers: { accept: "text/html,*/*" } });

  /** Crawls from the pages through every same-origin reference; returns each file's path, type, policy and text. */
  async function crawl() {
    const start = ["/", "/explore", "/graphql", ...FIXED_ASSET_PATHS, ...webFiles().filter((f) => !f.endsWith(".png"))];
    const seen = new Map<string, { type: string; csp: string | null; text: string; status: number }>();
    const queue = [...start];
    while (queue.length) {
      const urlPath = queue.shift() as string;
      if (seen.has(urlPath) || urlPath.startsWith("/export/")) continue;
      const response = await get(urlPath);
      const type = response.headers.get("content-type") ?? "";
      const text = /svg|html|css|javascript|json/.test(type) ? await response.text() : "";
      seen.set(urlPath, { type, csp: response.headers.get("content-security-policy"), text, status: response.status });
      // References are followed from our own files; the vendored bundles' minified text is only scanned.
      const vendored = FIXED_ASSET_PATHS.includes(urlPath);
      if (!vendored && /html|css|javascript/.test(type)) queue.push(...references(urlPath, text));
    }
    return seen;
  }

  it("serves the pages, and every file they reference, from this origin", async () => {
    const files = await crawl();
    const missing = [...files].filter(([, f]) => f.status !== 200).map(([p, f]) => `${p}: ${f.status}`);
    expect(missing).toEqual([]);
    expect(files.get("/")?.text).toContain('href="/explore"');
    expect(files.get("/")?.text).toContain('href="/graphql"');
    expect(files.get("/")?.text).toContain("/export/graph?format=");
    expect(files.get("/graphql")?.text).toContain("/assets/graphiql/graphiql.js");
    // GraphiQL's script, styles, workers and Cytoscape.js were reached by following the pages.
    for (const asset of FIXED_ASSET_PATHS) expect(files.has(asset)).toBe(true);
  });

  it("names no outside host in our own pages, scripts and styles", async () => {
    const files = await crawl();
    const vendored = new Set(FIXED_ASSET_PATHS);
    const ours = [...files].filter(([p]) => !vendored.has(p));
    expect(ours.length).toBeGreaterThan(8);
    const named = ours.flatMap(([p, f]) => outsideUrls(f.text).map((url) => `${p}: ${url}`));
    expect(named).toEqual([]);
  });

  it("loads nothing from another host in GraphiQL's and Cytoscape's bundles; their text mentions are reviewed", async () => {
    const files = await crawl();
    for (const asset of FIXED_ASSET_PATHS) {
      const text = files.get(asset)?.text ?? "";
      expect(text.length).toBeGreaterThan(1000);
      const loads = LOADING_POSITIONS.flatMap((pattern) => {
        const global = new RegExp(pattern.source, "gi");
        return [...text.matchAll(global)].map((m) => `${asset}: …${text.slice(m.index, (m.index ?? 0) + 80)}`);
      });
      expect(loads).toEqual([]);
      const hosts = new Set(outsideUrls(text).map((url) => new URL(url).hostname.toLowerCase()));
      expect([...hosts].filter((host) => !REVIEWED_TEXT_HOSTS.has(host))).toEqual([]);
    }
  });

  it("sends a Content-Security-Policy that allows this origin only, on every page and file", async () => {
    const files = await crawl();
    for (const [urlPath, file] of files) {
      expect(file.csp, urlPath).toMatch(/^default-src 'self';/);
      // No host sources: only keywords and the data:/blob: schemes.
      const sources = (file.csp ?? "").split(";").flatMap((d) => d.trim().split(/\s+/).slice(1));
      expect(
        sources.filter((s) => !/^'[a-z-]+'$/.test(s) && s !== "data:" && s !== "blob:"),
        urlPath,
      ).toEqual([]);
      expect(file.csp, urlPath).not.toContain("unsafe-eval");
    }
    expect(files.get("/explore")?.csp).toContain("style-src 'self';");
    expect(files.get("/explore")?.csp).toContain("script-src 'self';");
    expect(files.get("/graphql")?.csp).toContain("script-src 'self';");
  });

  it("catches what it looks for: an outside URL, and one in a loading position", () => {
    expect(outsideUrls('<link href="https://cdn.example.net/a.css">')).toHaveLength(1);
    expect(outsideUrls('<svg xmlns="http://www.w3.org/2000/svg">')).toEqual([]);
    const loading = (text: string) => LOADING_POSITIONS.some((pattern) => pattern.test(text));
    expect(loading('e.src="https://cdn.example.net/x.js"')).toBe(true);
    expect(loading("url(//fonts.example.net/f.woff2)")).toBe(true);
    expect(loading('importScripts("https://cdn.example.net/w.js")')).toBe(true);
    expect(loading('throw Error("see https://github.com/x/y/issues/1")')).toBe(false);
  });

  it("serves nothing outside web/ and answers 404 for unknown assets", async () => {
    for (const urlPath of [
      "/assets/../package.json",
      "/assets/%2e%2e/package.json",
      "/assets/nothing.js",
      "/assets/explore/../../src/main.ts",
    ]) {
      const response = await get(urlPath);
      expect(response.status, urlPath).toBe(404);
    }
  });

  it("keeps GraphQL over POST working beside the pages", async () => {
    const response = await server.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect((await response.json()).data).toEqual({ __typename: "Query" });
  });
});
