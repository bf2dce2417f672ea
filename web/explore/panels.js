// The details pane and the lists: entity, link, claim and study details; chains; gaps; contradictions.
import { h, score, words } from "./dom.js";

/** A study's title; the article gives some only as a journal and a year. */
const studyName = (study) =>
  study.title ??
  ([study.journal, study.year].filter(Boolean).join(" ")
    ? `A study in ${[study.journal, study.year].filter(Boolean).join(", ")}`
    : study.id);

const badge = (text, kind) => h("span", { class: `badge ${kind ?? ""}` }, text);

export function entityDetails(entity, { isCentre, onCentre, onChainsTo }) {
  return [
    h("h2", {}, entity.name),
    h("p", { class: "meta" }, badge(words(entity.kind), "kind"), ` ${entity.degree} links · id `, h("code", {}, entity.id)),
    entity.description ? h("p", {}, entity.description) : null,
    entity.synonyms?.length ? h("p", { class: "meta" }, `Also: ${entity.synonyms.join(", ")}`) : null,
    h(
      "div",
      { class: "row" },
      isCentre ? null : h("button", { type: "button", onclick: onCentre }, "Centre on it"),
      h("button", { type: "button", onclick: onChainsTo }, "Chains to it"),
    ),
  ];
}

function evidenceSummary(summary) {
  if (!summary) return null;
  return h(
    "span",
    { class: "evidence" },
    badge(words(summary.level), `level-${summary.level}`),
    ` score ${score(summary.score)}`,
    summary.supporting !== undefined ? ` · ${summary.supporting} supporting, ${summary.contradicting} contradicting` : "",
  );
}

function studyRow(evidence, onStudy) {
  const study = evidence.study;
  const record = study.record?.status && study.record.status !== "NOT_CHECKED" ? `record ${words(study.record.status)}` : null;
  return h(
    "li",
    { class: `study stance-${evidence.stance}` },
    h(
      "div",
      {},
      badge(words(evidence.stance), `stance-${evidence.stance}`),
      " ",
      h("button", { type: "button", class: "linkish", onclick: () => onStudy(study.id) }, studyName(study)),
    ),
    h(
      "div",
      { class: "meta" },
      [study.journal, study.year, words(study.design), record].filter(Boolean).join(" · "),
      study.identifiers?.length ? ` · ${study.identifiers.join(", ")}` : "",
    ),
    h(
      "div",
      { class: "meta" },
      `voice: ${words(evidence.voice)}`,
      evidence.verdict
        ? [" · verdict: ", badge(words(evidence.verdict), `verdict-${evidence.verdict}`)]
        : " · verdict: not checked",
    ),
    evidence.reasons?.length
      ? h(
          "ul",
          { class: "reasons" },
          evidence.reasons.map((r) =>
            h("li", {}, h("strong", {}, `${words(r.aspect)}: `), `article: ${r.article}; work: ${r.work}`),
          ),
        )
      : null,
    evidence.note ? h("div", { class: "meta" }, evidence.note) : null,
  );
}

export function claimBlock(claim, { onStudy, heading = "h4" }) {
  const check = claim.check;
  return h(
    "article",
    { class: "claim" },
    h(heading, {}, claim.statement),
    h(
      "div",
      { class: "meta" },
      claim.statedIn?.map((s) => h("div", {}, "Stated in ", h("em", {}, s.source?.title ?? "the source"), `, ${s.locator}`)),
    ),
    h(
      "div",
      { class: "meta" },
      claim.qualifiers?.certainty ? `${words(claim.qualifiers.certainty)} · ` : "",
      "evidence: ",
      evidenceSummary(claim.evidenceSummary),
    ),
    check && (check.gap > 0 || check.worstVerdict)
      ? h(
          "div",
          { class: "meta check" },
          `The article implies ${score(check.articleImplies.score)} (${words(check.articleImplies.level)}); the checked evidence supports ${score(check.evidenceSupports.score)}; gap ${score(check.gap)}`,
          check.worstVerdict ? `; worst verdict ${words(check.worstVerdict)}` : "",
        )
      : null,
    claim.evidence?.length
      ? h(
          "ul",
          { class: "studies", "aria-label": "Studies behind this claim" },
          claim.evidence.map((e) => studyRow(e, onStudy)),
        )
      : h("p", { class: "gap-note" }, "No study cited: an evidence gap."),
  );
}

export function linkTitle(link) {
  return `${link.from.name} ${words(link.predicate)} ${link.to.name}`;
}

export function linkDetails(links, { onStudy, onEntity }) {
  if (!links.length) return [h("p", { class: "hint" }, "No link found between these entities.")];
  return links.map((link) =>
    h(
      "section",
      { class: "link-details" },
      h(
        "h2",
        {},
        h("button", { type: "button", class: "linkish", onclick: () => onEntity(link.from.id) }, link.from.name),
        ` ${words(link.predicate)} `,
        h("button", { type: "button", class: "linkish", onclick: () => onEntity(link.to.id) }, link.to.name),
      ),
      h(
        "p",
        { class: "meta" },
        link.definitional ? "definitional · " : `${words(link.certainty)} · `,
        "evidence: ",
        evidenceSummary(link.evidence),
      ),
      h("h3", {}, `Claims (${link.claims.length})`),
      link.claims.map((claim) => claimBlock(claim, { onStudy })),
    ),
  );
}

export function studyDetails(study, { onClaim }) {
  return [
    h("h2", {}, studyName(study)),
    h("p", { class: "meta" }, [study.journal, study.year, words(study.design)].filter(Boolean).join(" · ")),
    h(
      "p",
      { class: "meta" },
      `Design said by: ${words(study.designVoice)} · record: ${words(study.record.status)}`,
      study.record.design ? ` (record's design: ${words(study.record.design)})` : "",
      study.record.authorsCertainty ? ` · authors' certainty: ${words(study.record.authorsCertainty)}` : "",
    ),
    study.identifiers?.length ? h("p", { class: "meta" }, study.identifiers.join(", ")) : null,
    study.population ? h("p", { class: "meta" }, `Population: ${study.population}`) : null,
    h("h3", {}, "Cited for"),
    h(
      "ul",
      { class: "list" },
      study.evidence.map((e) =>
        h(
          "li",
          {},
          badge(words(e.stance), `stance-${e.stance}`),
          " ",
          h("button", { type: "button", class: "linkish", onclick: () => onClaim(e.claim.id) }, e.claim.statement),
          e.verdict ? [" ", badge(words(e.verdict), `verdict-${e.verdict}`)] : null,
        ),
      ),
    ),
  ];
}

export function chainItems(chains, { selected, onChain, onLink }) {
  if (!chains.length) return [h("li", { class: "hint" }, "No chain within these hops.")];
  return chains.map((chain, i) =>
    h(
      "li",
      { class: i === selected ? "chain selected" : "chain" },
      h(
        "button",
        { type: "button", class: "chain-pick", "aria-pressed": i === selected ? "true" : "false", onclick: () => onChain(i) },
        h("span", { class: "rank" }, `${i + 1}.`),
        ` score ${score(chain.score)} · ${chain.hops} hops · ${words(chain.certainty)}`,
        h("span", { class: "path" }, chain.nodes.map((n) => n.name).join(" → ")),
      ),
      h(
        "ol",
        { class: "chain-links" },
        chain.links.map((link) =>
          h(
            "li",
            {},
            h(
              "button",
              { type: "button", class: "linkish", onclick: () => onLink(link) },
              `${link.from.name} ${words(link.predicate)} ${link.to.name}`,
            ),
            " ",
            badge(words(link.evidence.level), `level-${link.evidence.level}`),
            ` ${score(link.evidence.score)}`,
          ),
        ),
      ),
    ),
  );
}

export function gapItems(gaps, onClaim) {
  return gaps.map((gap) =>
    h(
      "li",
      {},
      h("button", { type: "button", class: "linkish", onclick: () => onClaim(gap.id) }, gap.statement),
      h("div", { class: "meta" }, gap.statedIn.map((s) => s.locator).join("; ")),
    ),
  );
}

export function contradictionItems(items, onPick) {
  return items.map((item, i) =>
    h(
      "li",
      {},
      badge(words(item.kind), "kind"),
      " ",
      h("button", { type: "button", class: "linkish", onclick: () => onPick(i) }, item.description),
    ),
  );
}
