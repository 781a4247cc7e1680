// report.mjs DIR: adds up what every test process checked (conformance.mjs writes
// DIR/<pid>.json at exit), prints the table, and fails when a response did not conform
// or when a route of the emulated API was not seen both succeeding and failing.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { EMULATED } from "./emulated.mjs";

const dir = process.argv[2];
const tally = new Map();
const violations = [];
let files = 0;
for (const f of readdirSync(dir).filter((n) => n.endsWith(".json"))) {
  const r = JSON.parse(readFileSync(join(dir, f), "utf8"));
  files++;
  for (const [k, n] of Object.entries(r.tally)) tally.set(k, (tally.get(k) ?? 0) + n);
  violations.push(...r.violations);
}

// every route stoat-mock emulates, as the OpenAPI document names it
const ROUTES = EMULATED;

const keys = [...tally.keys()].sort();
const checked = keys.filter((k) => !k.includes("(control API")).reduce((n, k) => n + tally.get(k), 0);
console.log("\nconformance: responses checked against stoat-api 0.8.9-4 OpenAPI.json (+ feat/oauth2 BotOauth2, + Rocket catcher pages)");
for (const k of keys) console.log(`  ${String(tally.get(k)).padStart(5)}  ${k}`);

const missing = [];
for (const [route, errors] of ROUTES) {
  const seen = keys.filter((k) => k.startsWith(route + " "));
  const status = seen.map((k) => Number(k.slice(route.length + 1).split(" ")[0]));
  if (!status.some((s) => s >= 200 && s < 300)) missing.push(`${route}: no success answer checked`);
  if (errors && !status.some((s) => s >= 400)) missing.push(`${route}: no error answer checked`);
}
for (const v of violations) console.log(`NONCONFORMING ${v}`);
for (const m of missing) console.log(`NOT COVERED ${m}`);
console.log(
  `conformance: ${checked} responses from ${files} test processes checked, ${violations.length} nonconforming, ` +
    `${ROUTES.length - new Set(missing.map((m) => m.split(":")[0])).size}/${ROUTES.length} routes covered (success and error)`,
);
process.exit(violations.length || missing.length || !files ? 1 : 0);
