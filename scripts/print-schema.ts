/**
 * `npm run schema:print`: writes what is generated from the code, so reviews show changes:
 * schema/schema.graphql (sorted SDL), schema/bundle.schema.json (the bundle format),
 * schema/biolink-mapping.md (the Biolink mapping: target version, kinds, predicates with their per-end
 * rules from src/model/biolink.ts, evidence slots, designs).
 * It names each file, written or unchanged. `--check` compares instead of writing and exits 1 when
 * anything is out of step.
 */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../src/config.js";
import { generatedSchemaFiles } from "../src/schema/printed.js";

const check = process.argv.includes("--check");
let stale = 0;
for (const [file, content] of Object.entries(generatedSchemaFiles())) {
  const full = path.join(PROJECT_ROOT, file);
  const current = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : "";
  if (current === content) {
    if (!check) console.log(`${file}: unchanged (${Buffer.byteLength(content)} bytes)`);
    continue;
  }
  if (check) {
    console.error(`${file} is out of step with the code: run npm run schema:print`);
    stale += 1;
  } else {
    fs.writeFileSync(full, content);
    console.log(`${file}: written (${Buffer.byteLength(content)} bytes)`);
  }
}
if (check && !stale) console.log("schema files match the code");
process.exit(stale ? 1 : 0);
