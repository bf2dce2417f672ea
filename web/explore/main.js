// The explorer: the view lives in the URL (centre, hops, size, expanded entities, chain target,
// selection), so back/forward and shared links restore it. Every user action pushes a new URL
// and renders from it; rendering never reads anything but the URL and the API.
import * as api from "./api.js";
import { byId, combobox, download, h, replace, score, words } from "./dom.js";
import * as graph from "./graph.js";
import * as panels from "./panels.js";

/** A view never holds more entities than this, however many expansions ask for more. */
const MAX_NODES = 150;
const EXPAND_FIRST = 12;
/** Links drawn among a neighbourhood's entities, strongest first. */
const MAX_EDGES = 400;
let hiddenLinks = 0;

const cache = new Map();
function ask(query, variables) {
  const key = JSON.stringify([query, variables]);
  if (!cache.has(key)) {
    const answer = api.gql(query, variables);
    answer.catch(() => cache.delete(key));
    cache.set(key, answer);
  }
  return cache.get(key);
}

function readState() {
  const p = new URLSearchParams(location.search);
  const int = (name, fallback, min, max) => {
    const n = Number.parseInt(p.get(name) ?? "", 10);
    return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
  };
  return {
    id: p.get("id") ?? "",
    hops: int("hops", 1, 1, 2),
    first: int("first", 30, 1, 100),
    x: (p.get("x") ?? "").split(",").filter(Boolean),
    to: p.get("to") ?? "",
    maxHops: int("maxHops", 4, 1, 6),
    chain: p.has("chain") ? int("chain", 0, 0, 99) : null,
    sel: p.get("sel") ?? "",
  };
}

function urlOf(state) {
  const p = new URLSearchParams();
  if (state.id) p.set("id", state.id);
  p.set("hops", String(state.hops));
  p.set("first", String(state.first));
  if (state.x.length) p.set("x", state.x.join(","));
  if (state.to) {
    p.set("to", state.to);
    p.set("maxHops", String(state.maxHops));
  }
  if (state.chain !== null && state.chain !== undefined) p.set("chain", String(state.chain));
  if (state.sel) p.set("sel", state.sel);
  return `${location.pathname}?${p}`;
}

function go(change) {
  const next = { ...readState(), ...change };
  history.pushState(null, "", urlOf(next));
  void render();
}

const status = (text, isError = false) => {
  const line = byId("status");
  line.textContent = text;
  line.classList.toggle("error", isError);
};

let cy;
let drawnKey = "";
let chains = [];
let contradictions = [];

const selectEntity = (id) => go({ sel: `entity:${id}`, chain: null });
const openClaim = (id) => go({ sel: `claim:${id}`, chain: null });
const openStudy = (id) => go({ sel: `study:${id}`, chain: null });
// A link is named by its ends and its id ("link:from|to|id"): its claims are read between its ends.
const openLink = (link) => go({ sel: `link:${link.from.id}|${link.to.id}|${link.id}` });

function onNodeTap(id) {
  const state = readState();
  if (id === state.id || state.x.includes(id)) return selectEntity(id);
  if (cy.nodes().length >= MAX_NODES) {
    status(`The view holds at most ${MAX_NODES} entities: centre on one to see its neighbourhood.`);
    return selectEntity(id);
  }
  go({ x: [...state.x, id], sel: `entity:${id}`, chain: null });
}

function onEdgeTap(id) {
  const edge = cy.getElementById(id);
  go({ sel: `link:${edge.data("source")}|${edge.data("target")}|${id}` });
}

/** Draws the view's elements when they changed: neighbourhood, expansions, chains. */
async function draw(state) {
  const key = JSON.stringify([state.id, state.hops, state.first, state.x, state.to, state.maxHops]);
  if (key === drawnKey) return;
  cy.elements().remove();
  chains = [];
  hiddenLinks = 0;
  drawnKey = key;
  if (!state.id) return;
  const centre = await ask(api.NEIGHBORHOOD, { id: state.id, hops: state.hops, first: state.first });
  if (!centre.entity) throw new Error(`No entity has the id ${state.id}.`);
  // A hub's neighbourhood can hold thousands of links among its entities: draw the strongest.
  const edges = [...centre.neighborhood.edges].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  hiddenLinks = Math.max(0, edges.length - MAX_EDGES);
  graph.merge(cy, centre.neighborhood.nodes, edges.slice(0, MAX_EDGES));
  const expansions = await Promise.all(
    state.x.map((id) => ask(api.NEIGHBORHOOD, { id, hops: 1, first: EXPAND_FIRST }).catch(() => undefined)),
  );
  for (const found of expansions) {
    if (!found || cy.nodes().length >= MAX_NODES) continue;
    const room = MAX_NODES - cy.nodes().length;
    const nodes = found.neighborhood.nodes.filter((n) => cy.getElementById(n.id).empty()).slice(0, room);
    graph.merge(
      cy,
      nodes.map((n) => ({ ...n, distance: Math.min(3, n.distance + 1) })),
      found.neighborhood.edges,
    );
  }
  if (state.to) {
    const answer = await ask(api.CHAINS, { from: state.id, to: state.to, maxHops: state.maxHops });
    chains = answer.mechanismChains;
    for (const chain of chains) {
      for (const link of chain.links) {
        const { nodes, edges } = graph.linkElements(link);
        graph.merge(cy, nodes, edges);
      }
    }
  }
  graph.layout(cy, state.id);
}

/** Makes sure the given links are drawn (a claim's links may lie outside the neighbourhood). */
function ensureLinks(links) {
  let added = 0;
  for (const link of links) {
    const { nodes, edges } = graph.linkElements(link);
    added += graph.merge(cy, nodes, edges);
  }
  if (added) graph.layout(cy, readState().id);
}

async function showSelection(state) {
  const details = byId("details");
  // Ids may hold colons ("claim:..."): the kind is what precedes the first one.
  const colon = state.sel.indexOf(":");
  const kind = colon > 0 ? state.sel.slice(0, colon) : "";
  const rest = colon > 0 ? state.sel.slice(colon + 1) : "";
  const [from, to, linkId] = kind === "link" ? rest.split("|") : [];
  const id = kind === "link" ? linkId : rest;
  graph.select(cy, null);
  if (state.chain !== null && chains[state.chain]) {
    graph.highlight(
      cy,
      chains[state.chain].links.map((l) => l.id),
    );
  } else graph.highlight(cy, []);

  if (kind === "entity" && id) {
    const node = cy.getElementById(id);
    graph.select(cy, id);
    const data = await ask(api.ENTITY, { id });
    if (!data.entity) return replace(details, h("p", {}, `No entity ${id}.`));
    replace(
      details,
      panels.entityDetails(data.entity, {
        isCentre: id === state.id,
        onCentre: () => go({ id, x: [], sel: `entity:${id}`, chain: null }),
        onChainsTo: () => go({ to: id, chain: 0, sel: "" }),
      }),
    );
    if (node.empty()) status(`${data.entity.name} is not in this view.`);
  } else if (kind === "link" && from && to) {
    graph.select(cy, id);
    if (state.chain === null) graph.highlight(cy, [id]);
    replace(details, h("p", { class: "hint" }, "Loading the claims behind this link…"));
    const data = await ask(api.LINKS_BETWEEN, { from, to });
    const links = data.mechanismChains.flatMap((c) => c.links);
    const chosen = links.filter((l) => l.id === id);
    replace(details, panels.linkDetails(chosen.length ? chosen : links, { onStudy: openStudy, onEntity: selectEntity }));
  } else if (kind === "claim" && id) {
    const data = await ask(api.CLAIM, { id });
    if (!data.claim) return replace(details, h("p", {}, `No claim ${id}.`));
    ensureLinks(data.claim.links);
    graph.highlight(
      cy,
      data.claim.links.map((l) => l.id),
    );
    replace(details, [
      h("h2", {}, "Claim"),
      panels.claimBlock(data.claim, { onStudy: openStudy, heading: "p" }),
      data.claim.links.length
        ? [
            h("h3", {}, "Links it asserts"),
            h(
              "ul",
              { class: "list" },
              data.claim.links.map((link) =>
                h(
                  "li",
                  {},
                  h("button", { type: "button", class: "linkish", onclick: () => openLink(link) }, panels.linkTitle(link)),
                ),
              ),
            ),
          ]
        : null,
    ]);
  } else if (kind === "study" && id) {
    const data = await ask(api.STUDY, { id });
    if (!data.study) return replace(details, h("p", {}, `No study ${id}.`));
    const links = data.study.evidence.flatMap((e) => e.claim.links);
    ensureLinks(links);
    graph.highlight(
      cy,
      links.map((l) => l.id),
    );
    replace(details, panels.studyDetails(data.study, { onClaim: openClaim }));
  } else if (kind === "contra" && id) {
    const item = contradictions[Number(id)];
    if (!item) return;
    ensureLinks(item.links);
    graph.highlight(
      cy,
      item.links.map((l) => l.id),
    );
    replace(details, [
      h("h2", {}, words(item.kind)),
      h("p", {}, item.description),
      h("h3", {}, "Claims"),
      h(
        "ul",
        { class: "list" },
        item.claims.map((c) =>
          h("li", {}, h("button", { type: "button", class: "linkish", onclick: () => openClaim(c.id) }, c.statement)),
        ),
      ),
      item.links.length
        ? [
            h("h3", {}, "Links"),
            h(
              "ul",
              { class: "list" },
              item.links.map((link) =>
                h(
                  "li",
                  {},
                  h("button", { type: "button", class: "linkish", onclick: () => openLink(link) }, panels.linkTitle(link)),
                ),
              ),
            ),
          ]
        : null,
    ]);
  } else if (state.chain !== null && chains[state.chain]) {
    const chain = chains[state.chain];
    replace(details, [
      h("h2", {}, `Chain ${state.chain + 1}: score ${score(chain.score)}`),
      h("p", { class: "meta" }, `${chain.hops} hops · ${words(chain.certainty)}`),
      h(
        "ol",
        { class: "list" },
        chain.links.map((link) =>
          h(
            "li",
            {},
            h("button", { type: "button", class: "linkish", onclick: () => openLink(link) }, panels.linkTitle(link)),
            ` · ${words(link.evidence.level)} · ${score(link.evidence.score)}`,
          ),
        ),
      ),
    ]);
  } else if (state.id) {
    replace(details, h("p", { class: "hint" }, "Click an entity to expand it, a link for the claims and studies behind it."));
  }
}

function renderLists(state) {
  const nodes = cy.nodes().sort((a, b) => a.data("label").localeCompare(b.data("label")));
  byId("count-nodes").textContent = String(nodes.length);
  replace(
    byId("view-nodes"),
    nodes.map((n) =>
      h(
        "li",
        {},
        swatch(n.data("kind")),
        h("button", { type: "button", class: "linkish", onclick: () => onNodeTap(n.id()) }, n.data("label")),
      ),
    ),
  );
  const edges = cy.edges();
  byId("count-edges").textContent = String(edges.length);
  replace(
    byId("view-edges"),
    edges.map((e) =>
      h(
        "li",
        {},
        h(
          "button",
          { type: "button", class: "linkish", onclick: () => onEdgeTap(e.id()) },
          `${e.source().data("label")} ${words(e.data("predicate"))} ${e.target().data("label")}`,
        ),
        ` · ${score(e.data("score"))}`,
      ),
    ),
  );
  replace(
    byId("chains"),
    state.to
      ? panels.chainItems(chains, {
          selected: state.chain,
          onChain: (i) => go({ chain: i, sel: "" }),
          onLink: openLink,
        })
      : [],
  );
  renderExports(state);
}

const FORMATS = [
  ["cytoscape", "Cytoscape JSON"],
  ["graphml", "GraphML"],
  ["kgx-nodes-tsv", "KGX nodes (TSV)"],
  ["kgx-edges-tsv", "KGX edges (TSV)"],
  ["kgx-nodes-jsonl", "KGX nodes (JSON lines)"],
  ["kgx-edges-jsonl", "KGX edges (JSON lines)"],
  ["kgx-tar", "KGX (tar)"],
];

function renderExports(state) {
  const links = (base) => FORMATS.map(([format, name]) => h("a", { href: `${base}&format=${format}`, download: true }, name));
  replace(
    byId("export-neighborhood"),
    state.id
      ? links(`/export/neighborhood?id=${encodeURIComponent(state.id)}&hops=${state.hops}&first=${state.first}`)
      : h("span", { class: "hint" }, "Pick an entity first."),
  );
  replace(
    byId("export-chains"),
    state.id && state.to
      ? links(
          `/export/chains?from=${encodeURIComponent(state.id)}&to=${encodeURIComponent(state.to)}&maxHops=${state.maxHops}&first=8`,
        )
      : h("span", { class: "hint" }, "Pick a second entity first."),
  );
}

function syncControls(state) {
  byId("hops").value = String(state.hops);
  const size = byId("size");
  if (![...size.options].some((o) => o.value === String(state.first)))
    size.append(h("option", { value: state.first }, state.first));
  size.value = String(state.first);
  byId("max-hops").value = String(Math.min(5, Math.max(2, state.maxHops)));
  const centreName = state.id ? (cy.getElementById(state.id).data("label") ?? state.id) : "";
  byId("chains-from").textContent = centreName ? `From ${centreName} to:` : "From the centre entity to:";
  if (document.activeElement !== byId("search")) byId("search").value = centreName;
  if (document.activeElement !== byId("to-search")) {
    byId("to-search").value = state.to ? (cy.getElementById(state.to).data("label") ?? state.to) : "";
  }
  document.title = centreName ? `${centreName} · Explorer` : "Explorer · Gut-brain knowledge graph";
}

let rendering = Promise.resolve();
let renders = 0;
function render() {
  rendering = rendering.then(async () => {
    const state = readState();
    try {
      status(state.id ? "Loading…" : "Search for an entity to begin.");
      await draw(state);
      syncControls(state);
      renderLists(state);
      await showSelection(state);
      renderLists(state);
      status(
        state.id
          ? `${cy.nodes().length} entities, ${cy.edges().length} links${hiddenLinks ? ` (the ${MAX_EDGES} strongest; ${hiddenLinks} weaker ones not drawn)` : ""}${state.to ? ` · ${chains.length} chains` : ""}.`
          : "Search for an entity to begin.",
      );
      document.body.dataset.ready = "true";
    } catch (error) {
      drawnKey = "";
      status(error.message, true);
      document.body.dataset.ready = "error";
    }
    // Each finished render counts, so that a test (or a script) can wait for the next one.
    renders += 1;
    document.body.dataset.renders = String(renders);
  });
  return rendering;
}

async function findHits(text, entitiesOnly) {
  const data = await api.gql(api.SEARCH, { query: text });
  return data.search
    .filter((hit) => !entitiesOnly || hit.type === "Entity")
    .map((hit) => ({ label: hit.label, detail: hit.type.toLowerCase(), value: hit }));
}

// Colours are set through the CSSOM (allowed by the page's policy, unlike style attributes).
function swatch(kind) {
  const element = h("span", { class: "swatch", "aria-hidden": "true" });
  element.style.backgroundColor = graph.KIND_COLOURS[kind] ?? "#999";
  return element;
}

function lineSample(family) {
  const element = h("span", { class: "line", "aria-hidden": "true" });
  element.style.borderTop = `3px ${family.line} ${family.colour}`;
  return element;
}

function legend() {
  replace(
    byId("legend-kinds"),
    h("span", { class: "legend-title" }, "Kinds:"),
    Object.keys(graph.KIND_COLOURS).map((kind) => h("span", { class: "legend-item" }, swatch(kind), words(kind))),
  );
  replace(
    byId("legend-predicates"),
    h("span", { class: "legend-title" }, "Links:"),
    graph.PREDICATE_STYLES.map((family) =>
      h("span", { class: "legend-item", title: family.predicates.map(words).join(", ") }, lineSample(family), family.name),
    ),
  );
}

async function loadEvidenceLists() {
  try {
    const [gaps, contra] = await Promise.all([ask(api.GAPS, {}), ask(api.CONTRADICTIONS, {})]);
    replace(
      byId("gaps"),
      panels.gapItems(gaps.evidenceGaps, (id) => {
        const gap = gaps.evidenceGaps.find((g) => g.id === id);
        focusOn(gap?.links ?? [], { sel: `claim:${id}` });
      }),
    );
    // A contradiction's own links, else the links its claims assert: what the graph should show.
    contradictions = contra.contradictions.map((c) => ({
      ...c,
      links: c.links.length ? c.links : c.claims.flatMap((claim) => claim.links),
    }));
    replace(
      byId("contradictions"),
      panels.contradictionItems(contradictions, (i) => focusOn(contradictions[i].links, { sel: `contra:${i}` })),
    );
  } catch (error) {
    status(`Could not load the evidence lists: ${error.message}`, true);
  }
}

/** Selects something whose links should be in view: keeps the view when they are, else centres on them. */
function focusOn(links, change) {
  const state = readState();
  const inView = links.every((l) => cy.getElementById(l.from.id).nonempty() && cy.getElementById(l.to.id).nonempty());
  if (state.id && inView) return go({ ...change, chain: null });
  const centre = links[0]?.from.id ?? state.id;
  go({ id: centre, x: [], to: "", chain: null, ...change });
}

function tabs() {
  const tabList = [byId("tab-gaps"), byId("tab-contradictions")];
  const pick = (tab) => {
    for (const t of tabList) {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      byId(t.getAttribute("aria-controls")).hidden = !on;
    }
    tab.focus();
  };
  for (const tab of tabList) {
    tab.addEventListener("click", () => pick(tab));
    tab.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
      const i = tabList.indexOf(tab);
      pick(tabList[(i + (event.key === "ArrowRight" ? 1 : tabList.length - 1)) % tabList.length]);
    });
  }
}

function start() {
  cy = graph.createGraph(byId("cy"), { onNode: onNodeTap, onEdge: onEdgeTap });
  legend();
  tabs();
  combobox(byId("search"), byId("search-results"), {
    find: (text) => findHits(text, false),
    pick: (hit) => {
      if (hit.type === "Entity") go({ id: hit.node.id, x: [], to: "", chain: null, sel: `entity:${hit.node.id}` });
      else if (hit.type === "Claim") openClaim(hit.node.id);
      else if (hit.type === "Study") openStudy(hit.node.id);
    },
  });
  combobox(byId("to-search"), byId("to-results"), {
    find: (text) => findHits(text, true),
    pick: (hit) => go({ to: hit.node.id, chain: 0, sel: "" }),
  });
  byId("hops").addEventListener("change", (e) => go({ hops: Number(e.target.value) }));
  byId("size").addEventListener("change", (e) => go({ first: Number(e.target.value) }));
  byId("max-hops").addEventListener("change", (e) => go({ maxHops: Number(e.target.value), chain: 0 }));
  byId("clear-chains").addEventListener("click", () => go({ to: "", chain: null }));
  byId("back").addEventListener("click", () => history.back());
  byId("forward").addEventListener("click", () => history.forward());
  byId("fit").addEventListener("click", () => cy.fit(cy.elements(), 30));
  byId("relayout").addEventListener("click", () => graph.layout(cy, readState().id));
  const name = () => `explorer-${readState().id || "view"}`;
  byId("export-png").addEventListener("click", async () => download(await graph.pngBlob(cy), `${name()}.png`));
  byId("export-svg").addEventListener("click", () =>
    download(new Blob([graph.svgText(cy)], { type: "image/svg+xml" }), `${name()}.svg`),
  );
  byId("export-json").addEventListener("click", () =>
    download(new Blob([JSON.stringify(graph.viewJson(cy), null, 2)], { type: "application/json" }), `${name()}.cytoscape.json`),
  );
  window.addEventListener("popstate", () => void render());
  void loadEvidenceLists();
  void render();
}

start();
