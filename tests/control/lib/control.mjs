// control.mjs: every answer of stoat-mock's control API (/_mock) checked against its
// OpenAPI 3.1 description, docs/control-openapi.json (what GET /_mock/openapi.json
// serves).
//
// The module imports nothing from npm: the caller brings its own ajv (Ajv2020 and
// ajv-formats), so tests/control and tests/clients (whose conformance layer checks the
// control answers its tests see too) use one checker with their own pinned packages.
//
// What "checked" means, by answer:
//   a documented status of the operation  -> 204 and entries without content: an empty
//       body; others: a Content-Type the entry lists, and for application/json the body
//       valid against the entry's schema (JSON Schema 2020-12, the document's dialect)
//   an undocumented status or operation   -> a violation
//   Rocket's 404 page                     -> the control API is off (--no-control) or
//       the path is none of its routes: counted, not checked
//   403 CrossOriginRefused                -> a change from another web site, refused
//       before routing on any /_mock path: its schema, whatever the path
//   OPTIONS (the CORS catch-all), HEAD    -> no body
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const DOC_PATH = join(here, "..", "..", "..", "docs", "control-openapi.json");
export const DOC = JSON.parse(readFileSync(DOC_PATH, "utf8"));
export const DOC_ID = "stoat-mock/control-openapi.json";
const METHODS = ["get", "put", "post", "delete", "patch"];

export class ControlViolation extends Error {
  constructor(message) {
    super(message);
    this.name = "ControlViolation";
  }
}

/** The document's schemas as one JSON Schema ($defs), for ajv. */
export function schemaDocument() {
  const text = JSON.stringify(DOC.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/');
  return { $id: DOC_ID, $defs: JSON.parse(text) };
}

/** "/0.8/_mock/faults/fault-1" -> {template: "/_mock/faults/{id}", item} or null */
export function pathItemFor(pathname) {
  let segs = pathname.split("/").filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  if (segs[0] === "0.8") segs = segs.slice(1);
  const candidates = Object.keys(DOC.paths)
    .map((template) => ({ template, parts: template.split("/").filter(Boolean) }))
    .filter(({ parts }) => parts.length === segs.length && parts.every((p, i) => p.startsWith("{") || p === segs[i]))
    // a static segment before a capture, as the route table ranks them
    .sort((a, b) => b.parts.filter((p) => !p.startsWith("{")).length - a.parts.filter((p) => !p.startsWith("{")).length);
  return candidates.length ? { template: candidates[0].template, item: DOC.paths[candidates[0].template] } : null;
}

/** Every operation of the document: ["GET /_mock/health", ...] */
export function documentedOperations() {
  const ops = [];
  for (const [template, item] of Object.entries(DOC.paths))
    for (const m of METHODS) if (item[m]) ops.push(`${m.toUpperCase()} ${template}`);
  return ops;
}

const isRocketPage = (ct, body) =>
  ct === "text/html" || (body && typeof body === "object" && "error" in body && !("type" in body));

/**
 * A checker over the caller's ajv. check(method, url, status, contentType, text) returns
 * {kind, key} ("document", "empty", "control-off") or throws ControlViolation.
 */
export function makeChecker(Ajv2020, addFormats) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema(schemaDocument());
  const compiled = new Map();
  // "#/$defs/X", or an inline schema's text
  const validatorFor = (ref) => {
    if (!compiled.has(ref))
      compiled.set(ref, ref.startsWith("#/")
        ? ajv.compile({ $ref: `${DOC_ID}${ref}` })
        : ajv.compile(JSON.parse(ref.replaceAll('"#/components/schemas/', `"${DOC_ID}#/$defs/`))));
    return compiled.get(ref);
  };

  function check(method, url, status, contentType, text) {
    const { pathname } = new URL(url, "http://stoat-mock");
    const m = method.toUpperCase();
    const ct = (contentType ?? "").split(";")[0].trim().toLowerCase();
    const where = `${m} ${pathname} -> ${status}`;
    const fail = (why) => {
      throw new ControlViolation(`${where}: ${why}\n  body: ${String(text).slice(0, 500)}`);
    };
    if (m === "OPTIONS" || m === "HEAD") {
      if (text !== "") fail(`a ${m} answer with a body`);
      return { kind: "empty", key: `${m} /_mock (no body)` };
    }
    let body;
    if (ct === "application/json" && text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        fail("Content-Type application/json, body not JSON");
      }
    }
    // the cross-origin rule runs before routing, on every /_mock path (control_origin.c)
    if (status === 403 && body?.type === "CrossOriginRefused") {
      const v = validatorFor("#/$defs/CrossOriginRefused");
      if (!v(body)) fail(`does not validate: ${JSON.stringify(v.errors)}`);
      if (["GET", "HEAD", "OPTIONS"].includes(m)) fail("CrossOriginRefused for a request that changes nothing");
      return { kind: "document", key: `${m} (any /_mock path) 403 CrossOriginRefused` };
    }
    const found = pathItemFor(pathname);
    const op = found?.item[m.toLowerCase()];
    if (status === 404 && isRocketPage(ct, body)) return { kind: "control-off", key: `${m} (Rocket's 404 page: control off or no such route)` };
    if (!op) fail(`no operation ${m} ${found ? found.template : pathname} in ${DOC_ID}`);
    const key = `${m} ${found.template} ${status}`;
    const entry = op.responses[String(status)];
    if (!entry) fail(`status ${status} is not documented for ${m} ${found.template} (it documents ${Object.keys(op.responses).join(", ")})`);
    if (!entry.content) {
      if (text !== "") fail("the document gives this answer no content, but it has a body");
      return { kind: "empty", key: `${key} (no body)` };
    }
    if (!entry.content[ct]) fail(`Content-Type '${contentType}', the document gives ${Object.keys(entry.content).join(", ")}`);
    if (ct !== "application/json") return { kind: "document", key: `${key} ${ct}` }; // a page, a script, a stream
    const schema = entry.content[ct].schema;
    if (body === undefined) fail("no body");
    const ref = schema.$ref ? schema.$ref.replace("#/components/schemas/", "#/$defs/") : null;
    const validate = validatorFor(ref ?? JSON.stringify(schema));
    if (!validate(body))
      fail(`does not validate: ${(validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`).join("; ")}`);
    return { kind: "document", key: `${key} ${ref ? ref.replace("#/$defs/", "") : "(inline)"}` };
  }
  return { ajv, check };
}
