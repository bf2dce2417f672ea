/**
 * The service's pages, served by the service alone: `/` (what this is, with links), `/explore`
 * (the explorer, plain ES modules in web/explore/), GraphiQL's own assets (from
 * @graphql-yoga/render-graphiql, which bundles GraphiQL, its CSS and its Monaco workers) and the
 * Cytoscape.js build, all under `/assets/`. Nothing a page loads comes from another origin, and
 * every response says so in a Content-Security-Policy header.
 */
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { GraphiQLOptions, Plugin } from "graphql-yoga";
import { PROJECT_ROOT } from "../config.js";

/** The folder holding the pages and their scripts and styles. */
export const WEB_ROOT = path.join(PROJECT_ROOT, "web");

const require = createRequire(import.meta.url);

/**
 * The policy of every page but GraphiQL: this origin only, no inline script or style (the
 * explorer pre-empts the one style element Cytoscape.js would insert; see web/explore/index.html).
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * GraphiQL's policy: still this origin only. Its React and Monaco set element styles and insert
 * style elements at run time ('unsafe-inline' for styles only), and its bundled fonts are data:
 * URLs; its scripts and workers are files served here.
 */
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

interface Asset {
  body: string | Buffer;
  type: string;
  etag: string;
}

const asset = (body: string | Buffer, type: string): Asset => ({
  body,
  type,
  etag: `"${createHash("sha1").update(body).digest("base64url")}"`,
});

interface GraphiqlBundle {
  js: string;
  css: string;
  editorWorkerService: string;
  jsonWorker: string;
  graphqlWorker: string;
}

let graphiqlAssets: Promise<Map<string, Asset>> | undefined;

/**
 * GraphiQL's script, stylesheet and editor workers, from the package the graphql-yoga family
 * publishes for exactly this (it renders them inline into one 9 MB page; we serve them as files
 * instead, so the page can be cached and the policy needs no inline script).
 */
function loadGraphiqlAssets(): Promise<Map<string, Asset>> {
  graphiqlAssets ??= (async () => {
    const index = require.resolve("@graphql-yoga/render-graphiql");
    const bundle = require(path.join(path.dirname(index), "graphiql.js")) as GraphiqlBundle;
    const js = TYPES[".js"] as string;
    return new Map([
      ["/assets/graphiql/graphiql.js", asset(bundle.js, js)],
      ["/assets/graphiql/graphiql.css", asset(bundle.css, TYPES[".css"] as string)],
      ["/assets/graphiql/editor.worker.js", asset(bundle.editorWorkerService, js)],
      ["/assets/graphiql/json.worker.js", asset(bundle.jsonWorker, js)],
      ["/assets/graphiql/graphql.worker.js", asset(bundle.graphqlWorker, js)],
    ]);
  })();
  return graphiqlAssets;
}

/** Files resolved from node_modules (a package, and a file beside its main entry), served under /assets/vendor/. */
const VENDOR: Record<string, [string, string]> = {
  "/assets/vendor/cytoscape.esm.min.mjs": ["cytoscape", "cytoscape.esm.min.mjs"],
};

/** Every path this plugin serves apart from the web/ files: for the outside-host scan. */
export const FIXED_ASSET_PATHS = [
  "/assets/graphiql/graphiql.js",
  "/assets/graphiql/graphiql.css",
  "/assets/graphiql/editor.worker.js",
  "/assets/graphiql/json.worker.js",
  "/assets/graphiql/graphql.worker.js",
  ...Object.keys(VENDOR),
];

const vendorCache = new Map<string, Promise<Asset>>();

function vendorAsset(urlPath: string): Promise<Asset> | undefined {
  const spec = VENDOR[urlPath];
  if (!spec) return undefined;
  let found = vendorCache.get(urlPath);
  if (!found) {
    // cytoscape's exports map offers its ESM builds to `import` only: find them beside its main entry.
    const [pkg, file] = spec;
    found = fs.readFile(path.join(path.dirname(require.resolve(pkg)), file)).then((body) => asset(body, TYPES[".mjs"] as string));
    vendorCache.set(urlPath, found);
  }
  return found;
}

/** A file under web/, by URL path; undefined for anything outside it or of an unknown type. */
async function webAsset(relative: string): Promise<Asset | undefined> {
  const file = path.resolve(WEB_ROOT, relative);
  const type = TYPES[path.extname(file)];
  if (!type || !file.startsWith(WEB_ROOT + path.sep)) return undefined;
  try {
    // Read per request: a few small files, and an edit shows on reload.
    return asset(await fs.readFile(file), type);
  } catch {
    return undefined;
  }
}

const PAGES: Record<string, string> = {
  "/": "index.html",
  "/explore": "explore/index.html",
  "/explore/": "explore/index.html",
};

async function resolveAsset(urlPath: string): Promise<Asset | undefined> {
  const page = PAGES[urlPath];
  if (page) return webAsset(page);
  if (urlPath === "/favicon.ico") return webAsset("favicon.svg");
  if (urlPath.startsWith("/assets/graphiql/") && urlPath !== "/assets/graphiql/start.js") {
    return (await loadGraphiqlAssets()).get(urlPath);
  }
  const vendor = vendorAsset(urlPath);
  if (vendor) return vendor;
  if (urlPath.startsWith("/assets/")) return webAsset(decodeURIComponent(urlPath.slice("/assets/".length)));
  return undefined;
}

/**
 * Serves the pages and assets (GET and HEAD), and sets a Content-Security-Policy on every
 * response of the service that lacks one (GraphiQL's page gets GRAPHIQL_CSP).
 */
export function usePages(): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== "GET" && request.method !== "HEAD") return;
      if (!(url.pathname in PAGES) && !url.pathname.startsWith("/assets/") && url.pathname !== "/favicon.ico") return;
      const found = await resolveAsset(url.pathname);
      if (!found) {
        endResponse(new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } }));
        return;
      }
      const headers = {
        "content-type": found.type,
        etag: found.etag,
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
      };
      if (request.headers.get("if-none-match") === found.etag) {
        endResponse(new Response(null, { status: 304, headers }));
        return;
      }
      const body = request.method === "HEAD" ? null : typeof found.body === "string" ? found.body : new Uint8Array(found.body);
      endResponse(new Response(body, { status: 200, headers }));
    },
    onResponse({ request, response }) {
      if (response.headers.has("content-security-policy")) return;
      const isGraphiql =
        new URL(request.url).pathname === "/graphql" && response.headers.get("content-type")?.startsWith("text/html");
      response.headers.set("content-security-policy", isGraphiql ? GRAPHIQL_CSP : PAGE_CSP);
    },
  };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

/**
 * GraphiQL's page: the same options yoga passes (title, examples, endpoint), its assets from
 * this service. The options travel as a JSON data block, which the policy lets through (it is
 * not run); web/graphiql/start.js reads it and renders.
 */
export function renderLocalGraphiQL(options: GraphiQLOptions): string {
  const json = JSON.stringify(options ?? {}).replace(/</g, "\\u003c");
  const title = escapeHtml(options?.title ?? "GraphiQL");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/assets/graphiql/graphiql.css" />
    <script type="application/json" id="graphiql-options">${json}</script>
    <script src="/assets/graphiql/start.js" defer></script>
    <script src="/assets/graphiql/graphiql.js" defer></script>
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
  </body>
</html>
`;
}
