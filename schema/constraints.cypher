// Uniqueness constraints and indexes of the gut-brain knowledge graph.
// Applied idempotently (IF NOT EXISTS) at server start-up and by the seed loader.
// One statement per block, separated by semicolons.

CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT claim_id IF NOT EXISTS FOR (n:Claim) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT study_id IF NOT EXISTS FOR (n:Study) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE;
// The one node whose token every writer changes: cached traversals check it (traversal-cache.ts).
CREATE CONSTRAINT graph_version_id IF NOT EXISTS FOR (n:GraphVersion) REQUIRE n.id IS UNIQUE;

// Mechanism links are relationships (one hop per link keeps chain traversals cheap);
// their derived id (link:<from>:<predicate>:<to>) is unique too.
CREATE CONSTRAINT link_id IF NOT EXISTS FOR ()-[r:LINK]-() REQUIRE r.id IS UNIQUE;
CREATE INDEX link_predicate IF NOT EXISTS FOR ()-[r:LINK]-() ON (r.predicate);

CREATE INDEX entity_kind IF NOT EXISTS FOR (n:Entity) ON (n.kind);
CREATE INDEX study_design IF NOT EXISTS FOR (n:Study) ON (n.design);
CREATE INDEX study_year IF NOT EXISTS FOR (n:Study) ON (n.year);
CREATE INDEX claim_score IF NOT EXISTS FOR (n:Claim) ON (n.score);
CREATE INDEX claim_supporting IF NOT EXISTS FOR (n:Claim) ON (n.supporting);

// Full-text search over names and synonyms, claim statements and study titles.
// `searchText` holds synonyms (and, for studies, journal and identifiers) joined into one string.
CREATE FULLTEXT INDEX kg_search IF NOT EXISTS
FOR (n:Entity|Claim|Study) ON EACH [n.name, n.searchText, n.statement, n.title]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'standard-no-stop-words' } };

// Claims whose source's word outruns the checked evidence (the `overstatements` query, by gap).
CREATE INDEX claim_gap IF NOT EXISTS FOR (n:Claim) ON (n.gap);

// KGX imports (src/kgx/importer.ts): what an import created carries its import id, so that a
// failed or interrupted import is removed by it; the import's own record and undo log.
CREATE CONSTRAINT kgx_import_id IF NOT EXISTS FOR (n:KgxImport) REQUIRE n.id IS UNIQUE;
// The import lock (src/kgx/import-lock.ts): a second MERGE of the one lock node waits on this entry.
CREATE CONSTRAINT kgx_import_lock_id IF NOT EXISTS FOR (n:KgxImportLock) REQUIRE n.id IS UNIQUE;
CREATE INDEX kgx_undo_import IF NOT EXISTS FOR (n:KgxUndo) ON (n.importId);
CREATE INDEX entity_import IF NOT EXISTS FOR (n:Entity) ON (n.importId);
CREATE INDEX study_import IF NOT EXISTS FOR (n:Study) ON (n.importId);
CREATE INDEX link_import IF NOT EXISTS FOR ()-[r:LINK]-() ON (r.importId);
CREATE INDEX negated_link_import IF NOT EXISTS FOR ()-[r:NEGATED_LINK]-() ON (r.importId);
CREATE CONSTRAINT negated_link_id IF NOT EXISTS FOR ()-[r:NEGATED_LINK]-() REQUIRE r.id IS UNIQUE;
