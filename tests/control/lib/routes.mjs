// routes.mjs: the control API's rows of server/routes.c (method and path), read from
// the source the way tools/openapi-routes/gen.js reads the emulated ones.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const ROUTES_C = join(here, "..", "..", "..", "server", "routes.c");
export const ERRORS_DEF = join(here, "..", "..", "..", "server", "errors.def");

/** ["GET /_mock/health", "DELETE /_mock/faults/{id}", ...]: ":x" captures as "{id}" */
export function controlRows() {
  const rows = [];
  for (const m of readFileSync(ROUTES_C, "utf8").matchAll(/^\s*\{"([A-Z]+)",\s*"(_mock[^"]*)",/gm))
    rows.push(`${m[1]} /${m[2].split("/").map((s) => (s.startsWith(":") ? "{id}" : s)).join("/")}`);
  return rows;
}

/** The error catalogue's type names, in errors.def order. */
export function catalogueTypes() {
  return [...readFileSync(ERRORS_DEF, "utf8").matchAll(/^ERR\((\w+),/gm)].map((m) => m[1]);
}

/** An operation of the document as a row would write it ("{anything}" -> "{id}"). */
export const asRow = (op) => op.replace(/\{[^}]+\}/g, "{id}");
