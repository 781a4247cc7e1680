// conformance.mjs: every HTTP response this test process receives is checked here.
//
// Importing this module replaces globalThis.fetch (which stoat-api, and so stoat.js,
// uses for every request) with a wrapper that reads the response, checks it, and hands
// the caller an identical Response. Nothing in a test has to remember to check: a
// request made through stoat.js, through the bare stoat-api client or through fetch()
// is checked the same way. What "checked" means, by answer:
//
//   2xx, 4xx, 5xx JSON that is not a framework page  -> the operation's response schema
//        in OpenAPI.json (the status's own entry, else `default`, which is `Error`), in
//        two readings: as published (+ OAuth2 from the real source) and with closed
//        objects (schemas.mjs explains both)
//   204                                               -> the document's 204 has no
//        content: the body must be empty
//   Rocket catcher pages (text/html, or JSON {"error":{...}}) -> not in the document
//        (errors.md §7): the JSON form against CATCHER_JSON_SCHEMA with code == status,
//        the HTML form against the exact page template, reason and description per code
//   429 {"retry_after"}                               -> RETRY_AFTER_SCHEMA (not in the
//        document either)
//   501 {"type":"NotEmulated"}                        -> stoat-mock's answer for an operation
//        of the document it does not emulate (docs/fidelity.md#not-emulated): exactly
//        {"type":"NotEmulated","route":"<METHOD> <the operation's path>","location":"stoat-mock"},
//        for a documented operation that is none of the emulated ones (EMULATED)
//   /_mock/... control routes                         -> not part of the real API: checked
//        against stoat-mock's own document instead, docs/control-openapi.json
//        (tests/control/lib/control.mjs, with this suite's ajv)
//
// A response that fails makes the fetch() reject with a ConformanceError *and* is
// recorded; test/setup hooks (installHooks) fail the running test when anything was
// recorded, so a caller that expects a rejection cannot swallow a violation.
// At exit the tallies are written to $STOAT_CONFORMANCE_DIR/<pid>.json for run.sh.

import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

import { makeChecker as makeControlChecker } from "../../control/lib/control.mjs";

import { EMULATED } from "./emulated.mjs";
import {
  CATCHER_JSON_SCHEMA,
  CATCHER_TEXT,
  OPENAPI,
  OPENAPI_ID,
  RETRY_AFTER_SCHEMA,
  STRICT_ID,
  publishedSchema,
  strictSchema,
} from "./schemas.mjs";

export class ConformanceError extends Error {
  constructor(message, detail) {
    super(message);
    this.name = "ConformanceError";
    this.detail = detail;
  }
}

// ---- the validator ---------------------------------------------------------------

const INT_RANGES = {
  int: [-(2 ** 63), 2 ** 63 - 1],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 63), 2 ** 63 - 1],
  uint: [0, 2 ** 64 - 1],
  uint32: [0, 2 ** 32 - 1],
  uint64: [0, 2 ** 64 - 1],
};

export function makeAjv() {
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv); // date-time
  ajv.addKeyword({ keyword: "example", schemaType: ["string", "number", "object", "array", "boolean"] });
  for (const [name, [lo, hi]] of Object.entries(INT_RANGES))
    ajv.addFormat(name, { type: "number", validate: (n) => Number.isInteger(n) && n >= lo && n <= hi });
  ajv.addFormat("double", { type: "number", validate: (n) => Number.isFinite(n) });
  ajv.addFormat("binary", { type: "string", validate: () => true });
  ajv.addSchema(publishedSchema());
  ajv.addSchema(strictSchema());
  ajv.addSchema(CATCHER_JSON_SCHEMA);
  ajv.addSchema(RETRY_AFTER_SCHEMA);
  return ajv;
}

const ajv = makeAjv();
const control = makeControlChecker(Ajv2020, addFormats);
const compiled = new Map();
function validatorFor(id, ref) {
  const key = `${id}${ref}`; // ref: "" or "#/$defs/X"
  if (!compiled.has(key)) compiled.set(key, ajv.getSchema(key) ?? ajv.compile({ $ref: key }));
  return compiled.get(key);
}

// ---- which documented operation a request is -------------------------------------

const PATHS = Object.keys(OPENAPI.paths).map((template) => {
  const segs = template.split("/").filter(Boolean);
  return { template, segs, literal: segs.filter((s) => !s.startsWith("{")).length };
});
// Rocket ranks a static segment above a dynamic one (GET /bots/@me before /bots/{bot})
PATHS.sort((a, b) => b.literal - a.literal);

/** Request path -> the OpenAPI path template with an operation for method, or null. */
export function operationFor(method, pathname) {
  let segs = pathname.split("/").filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  if (segs[0] === "0.8") segs = segs.slice(1); // stoat-mock serves /0.8/... too (README decision 4)
  const m = method.toLowerCase() === "head" ? "get" : method.toLowerCase();
  for (const p of PATHS) {
    if (p.segs.length !== segs.length || !OPENAPI.paths[p.template][m]) continue;
    if (p.segs.every((s, i) => s.startsWith("{") || s === segs[i]))
      return { template: p.template, method: m, op: OPENAPI.paths[p.template][m] };
  }
  return null;
}

/** The response schema ref ("#/$defs/X") for a status, "empty" for a body-less entry. */
function documentedResponse(op, status) {
  const entry = op.responses[String(status)] ?? op.responses.default;
  if (!entry) return null;
  const schema = entry.content?.["application/json"]?.schema;
  if (!schema) return "empty";
  return schema.$ref.replace("#/components/schemas/", "#/$defs/");
}


// ---- checking one response --------------------------------------------------------

function htmlCatcherPage(code) {
  const [reason, description] = CATCHER_TEXT[code];
  return (
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n    <meta charset=\"utf-8\">\n" +
    "    <meta name=\"color-scheme\" content=\"light dark\">\n" +
    `    <title>${code} ${reason}</title>\n</head>\n<body align="center">\n` +
    `    <div role="main" align="center">\n        <h1>${code}: ${reason}</h1>\n` +
    `        <p>${description}</p>\n        <hr />\n    </div>\n` +
    "    <div role=\"contentinfo\" align=\"center\">\n        <small>Rocket</small>\n    </div>\n" +
    "</body>\n</html>"
  );
}

function ajvErrors(validate) {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`);
}

/**
 * Checks one answer. Returns {kind, key}: kind says which rule applied ("document",
 * "catcher-json", "catcher-html", "retry-after", "empty", "control"); throws
 * ConformanceError when the answer does not conform.
 */
export function checkResponse(method, url, status, contentType, text) {
  const { pathname } = new URL(url);
  const ct = (contentType ?? "").split(";")[0].trim().toLowerCase();
  const where = `${method.toUpperCase()} ${pathname} -> ${status}`;
  const fail = (why, extra) => {
    throw new ConformanceError(`${where}: ${why}\n  body: ${text.slice(0, 500)}`, extra);
  };
  if (/^\/(0\.8\/)?_mock(\/|$)/.test(pathname)) {
    try {
      const { key } = control.check(method, url, status, contentType, text);
      return { kind: "control", key: `${key} (control API, docs/control-openapi.json)` };
    } catch (e) {
      fail(e.message);
    }
  }

  const op = operationFor(method, pathname);
  const template = op ? `${op.method.toUpperCase()} ${op.template}` : `${method.toUpperCase()} (no documented route)`;
  const key = `${template} ${status}`;

  // OPTIONS is answered by the CORS catch-all route (not in the document): no body
  if (method.toUpperCase() === "OPTIONS") {
    if (text !== "") fail("an OPTIONS answer with a body");
    return { kind: "empty", key: `OPTIONS (CORS preflight, not in the document) ${status}` };
  }
  // HEAD: the GET route's answer without its body
  if (method.toUpperCase() === "HEAD") {
    if (text !== "") fail("a HEAD answer with a body");
    return { kind: "empty", key: `HEAD ${key} (no body)` };
  }
  // Rocket's default catcher: HTML page
  if (ct === "text/html") {
    if (!CATCHER_TEXT[status]) fail(`an HTML answer with status ${status}, which no catcher page of this API has`);
    if (contentType !== "text/html; charset=utf-8") fail(`catcher page Content-Type '${contentType}'`);
    if (text !== htmlCatcherPage(status)) fail("HTML is not Rocket 0.5.1's default catcher page for this status");
    return { kind: "catcher-html", key: `${key} Rocket catcher page (HTML)` };
  }
  // the document has no body for this answer (204)
  if (status === 204) {
    if (text !== "") fail("a 204 with a body");
    if (op && documentedResponse(op.op, 204) !== "empty") fail("204 is not a documented answer here");
    return { kind: "empty", key: `${key} (no body)` };
  }
  let body;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    fail(`body is not JSON (Content-Type '${contentType}')`);
  }
  if (body === undefined) fail("empty body with a non-204 status");
  if (ct !== "application/json") fail(`JSON body with Content-Type '${contentType}'`);

  // Rocket's default catcher: JSON page
  if (body && typeof body === "object" && !Array.isArray(body) && "error" in body && !("type" in body)) {
    const v = validatorFor(CATCHER_JSON_SCHEMA.$id, "");
    if (!v(body)) fail(`not a Rocket catcher JSON page: ${ajvErrors(v).join("; ")}`);
    if (body.error.code !== status) fail(`catcher page says code ${body.error.code}`);
    const [reason, description] = CATCHER_TEXT[status] ?? [];
    if (body.error.reason !== reason || body.error.description !== description)
      fail("catcher page reason/description differ from Rocket's for this status");
    return { kind: "catcher-json", key: `${key} Rocket catcher page (JSON)` };
  }
  // the rate limiter's answer
  if (status === 429 && body && typeof body === "object" && "retry_after" in body) {
    const v = validatorFor(RETRY_AFTER_SCHEMA.$id, "");
    if (!v(body)) fail(`not a rate-limit answer: ${ajvErrors(v).join("; ")}`);
    return { kind: "retry-after", key: `${key} rate limiter {retry_after}` };
  }
  // stoat-mock's answer for a documented operation it does not emulate
  if (status === 501 && body && typeof body === "object" && body.type === "NotEmulated") {
    if (!op) fail("501 NotEmulated for a path the OpenAPI document does not have (the real server: 404)");
    if (EMULATED.some(([route]) => route === template)) fail(`501 NotEmulated for ${template}, which stoat-mock emulates`);
    const want = { type: "NotEmulated", route: template, location: "stoat-mock" };
    if (JSON.stringify(body) !== JSON.stringify(want)) fail(`not ${JSON.stringify(want)}`);
    return { kind: "not-emulated", key: `${template} ${status} NotEmulated (stoat-mock)` };
  }
  if (!op) fail("JSON answer on a route the OpenAPI document does not have, and not a framework page");
  const ref = documentedResponse(op.op, status);
  if (!ref) fail(`status ${status} is not documented for ${template}`);
  if (ref === "empty") fail(`the document gives ${template} ${status} no body`);
  if (status >= 200 && status < 300 && !op.op.responses[String(status)])
    fail(`success status ${status} is not documented for ${template} (it documents ${Object.keys(op.op.responses).join(", ")})`);
  for (const id of [OPENAPI_ID, STRICT_ID]) {
    const v = validatorFor(id, ref);
    if (!v(body)) fail(`does not validate against ${id}${ref}: ${ajvErrors(v).join("; ")}`, { errors: v.errors });
  }
  return { kind: "document", key: `${key} ${ref.replace("#/$defs/", "")}` };
}

// ---- the fetch wrapper ---------------------------------------------------------------

export const tally = new Map(); // key -> count of conforming responses
export const violations = []; // ConformanceError, in order
const pending = new Set();
let sinceLastCheck = 0;

const realFetch = globalThis.fetch;

async function checkedFetch(input, init = {}) {
  const request = new Request(input, init);
  const method = request.method;
  const response = await realFetch(request);
  const text = await response.text();
  try {
    const { key } = checkResponse(method, request.url, response.status, response.headers.get("content-type"), text);
    tally.set(key, (tally.get(key) ?? 0) + 1);
  } catch (e) {
    const err = e instanceof ConformanceError ? e : new ConformanceError(`${method} ${request.url}: checker failed: ${e.stack}`);
    violations.push(err);
    sinceLastCheck++;
    throw err;
  }
  // an identical Response for the caller (the body has been read once already)
  return new Response(response.status === 204 ? null : text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

globalThis.fetch = (input, init) => {
  const p = checkedFetch(input, init);
  const tracked = p.catch(() => {});
  pending.add(tracked);
  tracked.finally(() => pending.delete(tracked));
  return p;
};

/** Waits for every request in flight (stoat.js fires some without returning them). */
export async function settled() {
  while (pending.size) await Promise.all([...pending]);
}

/** Throws if a response since the last call did not conform (used by afterEach). */
export function assertNoNewViolations() {
  if (sinceLastCheck) {
    const n = sinceLastCheck;
    sinceLastCheck = 0;
    throw new ConformanceError(
      `${n} response(s) did not conform to the OpenAPI document:\n` +
        violations.slice(-n).map((e) => e.message).join("\n"),
    );
  }
}

process.on("exit", () => {
  const dir = process.env.STOAT_CONFORMANCE_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${process.pid}.json`),
    JSON.stringify({
      file: process.argv[1],
      tally: Object.fromEntries(tally),
      violations: violations.map((e) => e.message),
    }),
  );
});
