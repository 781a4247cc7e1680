// report.mjs TALLY_DIR ANSWERS_DIR: checks the control answers the C HTTP suites saw
// (tests/http/support/harness.c writes them to ANSWERS_DIR/<pid>.jsonl when
// STOAT_CONTROL_ANSWERS is set), adds the tallies of this suite's own tests
// (lib/checked.mjs, TALLY_DIR), prints the table, and fails on any nonconforming
// answer or when an operation of routes.c was never seen succeeding.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

import { ControlViolation, documentedOperations, makeChecker } from "./control.mjs";
import { asRow, controlRows } from "./routes.mjs";

const [tallyDir, answersDir] = process.argv.slice(2);
const { check } = makeChecker(Ajv2020, addFormats);
const tally = new Map();
const violations = [];
const add = (key, n = 1) => tally.set(key, (tally.get(key) ?? 0) + n);

let recorded = 0;
for (const f of existsSync(answersDir) ? readdirSync(answersDir).filter((n) => n.endsWith(".jsonl")) : []) {
  for (const line of readFileSync(join(answersDir, f), "utf8").split("\n").filter(Boolean)) {
    const a = JSON.parse(line);
    recorded++;
    try {
      add(check(a.method, a.path, a.status, a.content_type, a.body).key);
    } catch (e) {
      violations.push(`[tests/http] ${e instanceof ControlViolation ? e.message : e.stack}`);
    }
  }
}
let own = 0;
for (const f of existsSync(tallyDir) ? readdirSync(tallyDir).filter((n) => n.endsWith(".json")) : []) {
  const r = JSON.parse(readFileSync(join(tallyDir, f), "utf8"));
  for (const [k, n] of Object.entries(r.tally)) {
    add(k, n);
    own += n;
  }
  violations.push(...r.violations);
}

console.log("\ncontrol API answers checked against docs/control-openapi.json");
for (const k of [...tally.keys()].sort()) console.log(`  ${String(tally.get(k)).padStart(5)}  ${k}`);
const rows = controlRows();
const unseen = documentedOperations()
  .filter((op) => rows.includes(asRow(op)))
  .filter((op) => ![...tally.keys()].some((k) => k.startsWith(op + " 2")));
for (const v of violations) console.log(`NONCONFORMING ${v}`);
for (const op of unseen) console.log(`NOT COVERED ${op}: no success answer checked`);
console.log(`control: ${recorded} answers from tests/http, ${own} from tests/control; ${violations.length} nonconforming; ${unseen.length} operation(s) never seen succeeding`);
process.exit(violations.length || unseen.length || !recorded || !own ? 1 : 0);
