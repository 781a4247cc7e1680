// schemas.mjs: the JSON Schemas every response is checked against.
//
// 1. The published OpenAPI document of the real API: npm `stoat-api` 0.8.9-4, file
//    OpenAPI.json (its info.version says 0.8.9-3). Its components.schemas are loaded as
//    they are, with two mechanical changes that keep their meaning:
//    - OpenAPI 3.0 `nullable: true` beside a `$ref`/`allOf` (no `type` keyword) means
//      "this schema, or null" (OAS 3.0.3 §4.7.24.1); ajv only understands `nullable`
//      next to `type`, so such a schema becomes {anyOf: [<it>, {type: "null"}]}.
//    - `#/components/schemas/X` references become `#/$defs/X` of one schema
//      document, so ajv can compile them without the rest of the OpenAPI file.
//    OpenAPI's own annotations (`example`) are registered as annotation keywords and
//    its integer/number formats (uint32, int64, ...) as range checks.
// 2. OAuth2 (`Bot.oauth2`) is newer than that document (branch feat/oauth2 only). The
//    document's Bot allows unknown keys, so without help any `oauth2` value would pass.
//    OAUTH2_SCHEMA below is written from the real source of that branch:
//      crates/core/models/src/v0/bots.rs  struct BotOauth2 { public: bool,
//        secret: Option<String>, redirects: Vec<String>,
//        allowed_scopes: HashMap<OAuth2Scope, OAuth2ScopeReasoning> }  (no
//        skip_serializing_if: all four keys always present, secret null when None)
//      crates/core/models/src/v0/oauth2.rs  OAuth2ScopeReasoning { allow, deny: String },
//        OAuth2Scope serde names read:identify, read:servers, write:files, events, full
//      crates/core/database/src/models/bots/model.rs, routes/bots/edit.rs  the secret is
//        nanoid!(64) for a confidential client and None for a public one
//    and added as `oauth2` to Bot and BotWithUserResponse.
// 3. A second, closed reading ("strict keys"): the same schemas with
//    additionalProperties: false on every object the emulated routes return, plus only
//    the keys the real server's main branch sends beyond the document (User.pronouns,
//    RevoltFeatures.limits and legal_links, Error.location; errors.md §7,
//    root-and-ratelimits.md §1.3, auth-and-users.md §2.1) and Bot.oauth2. The document
//    never forbids extra keys, so only this reading catches a PublicBot that leaks a
//    token, or a key the real server does not send.
// 4. Framework answers that are not in the document (errors.md §7): Rocket's default
//    catcher pages (HTML, or {"error":{code,reason,description}} JSON) and the rate
//    limiter's {"retry_after"} 429. They get their own schemas (CATCHER_JSON_SCHEMA,
//    RETRY_AFTER_SCHEMA) and the HTML page its own template check (conformance.mjs).

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export const OPENAPI_PATH = join(here, "..", "node_modules", "stoat-api", "OpenAPI.json");
export const OPENAPI = JSON.parse(readFileSync(OPENAPI_PATH, "utf8"));
export const OPENAPI_ID = "stoat-api-0.8.9-4/OpenAPI.json";
export const STRICT_ID = "stoat-api-0.8.9-4/OpenAPI.json+strict-keys";

/** Deep copy with nullable rewritten and refs re-pointed (see 1. above). */
function convert(node) {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$ref" && typeof v === "string") out[k] = v.replace("#/components/schemas/", "#/$defs/");
    else out[k] = convert(v);
  }
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable;
    const { description } = out;
    delete out.description;
    return description === undefined
      ? { anyOf: [out, { type: "null" }] }
      : { description, anyOf: [out, { type: "null" }] };
  }
  return out;
}

export const OAUTH2_SCOPES = ["read:identify", "read:servers", "write:files", "events", "full"];

export const OAUTH2_SCHEMA = {
  description: "feat/oauth2 crates/core/models/src/v0/bots.rs BotOauth2 (not in OpenAPI 0.8.9-3)",
  type: "object",
  required: ["public", "secret", "redirects", "allowed_scopes"],
  additionalProperties: false,
  properties: {
    public: { type: "boolean" },
    secret: {
      anyOf: [{ type: "string", pattern: "^[A-Za-z0-9_-]{64}$" }, { type: "null" }],
    },
    redirects: { type: "array", items: { type: "string" } },
    allowed_scopes: {
      type: "object",
      propertyNames: { enum: OAUTH2_SCOPES },
      additionalProperties: {
        type: "object",
        required: ["allow", "deny"],
        additionalProperties: false,
        properties: { allow: { type: "string" }, deny: { type: "string" } },
      },
    },
  },
  // edit.rs: a public client has no secret, a confidential one always has one
  if: { properties: { public: { const: true } } },
  then: { properties: { secret: { type: "null" } } },
  else: { properties: { secret: { type: "string" } } },
};

/** Keys the real server's main branch sends beyond the document (see 3. above). */
const MAIN_ADDITIONS = {
  User: { pronouns: { type: "string" } },
  RevoltFeatures: {
    // main: crates/core/config/src/lib.rs FeaturesLimitsCollection, LegalLinks
    limits: {
      type: "object",
      required: ["global", "new_user", "default"],
      additionalProperties: false,
      properties: {
        global: { type: "object" },
        new_user: { type: "object", required: ["bots"], properties: { bots: { type: "integer" } } },
        default: { type: "object", required: ["bots"], properties: { bots: { type: "integer" } } },
      },
    },
    legal_links: {
      type: "object",
      required: ["terms_of_service", "privacy_policy", "guidelines"],
      additionalProperties: false,
      properties: {
        terms_of_service: { type: "string" },
        privacy_policy: { type: "string" },
        guidelines: { type: "string" },
      },
    },
  },
};

/** The document's schemas as one JSON Schema (reading 1 + 2). */
export function publishedSchema() {
  const defs = convert(OPENAPI.components.schemas);
  defs.BotOauth2 = OAUTH2_SCHEMA;
  for (const name of ["Bot", "BotWithUserResponse"])
    defs[name].properties.oauth2 = { $ref: "#/$defs/BotOauth2" };
  return { $id: OPENAPI_ID, $defs: defs };
}

/** Reading 3: every object schema closed, documented additions open. */
export function strictSchema() {
  const doc = publishedSchema();
  doc.$id = STRICT_ID;
  const defs = doc.$defs;
  for (const [name, extra] of Object.entries(MAIN_ADDITIONS)) Object.assign(defs[name].properties, extra);
  for (const branch of defs.Error.oneOf) branch.properties.location = { type: "string" };
  const close = (node) => {
    if (Array.isArray(node)) return node.forEach(close);
    if (!node || typeof node !== "object") return;
    if (node.type === "object" && node.properties && node.additionalProperties === undefined)
      node.additionalProperties = false;
    for (const v of Object.values(node)) close(v);
  };
  close(defs);
  // Error = {location} + oneOf [{type, ...fields}]: the branches are closed (with
  // location), the outer object cannot be without refusing every branch's keys
  delete defs.Error.additionalProperties;
  // the limits objects are copied from the config file; only `bots` is checked
  defs.RevoltFeatures.properties.limits.properties.new_user.additionalProperties = true;
  defs.RevoltFeatures.properties.limits.properties.default.additionalProperties = true;
  return doc;
}

// Rocket 0.5.1 core/lib/src/catcher/catcher.rs default_handler, JSON variant
export const CATCHER_JSON_SCHEMA = {
  $id: "rocket-0.5.1/default-catcher.json",
  type: "object",
  required: ["error"],
  additionalProperties: false,
  properties: {
    error: {
      type: "object",
      required: ["code", "reason", "description"],
      additionalProperties: false,
      properties: {
        code: { type: "integer", minimum: 400, maximum: 599 },
        reason: { type: "string" },
        description: { type: "string" },
      },
    },
  },
};

// main: crates/core/ratelimits/src/rocket.rs, the body of GET /ratelimit on a 429
export const RETRY_AFTER_SCHEMA = {
  $id: "stoat-ratelimit-429.json",
  type: "object",
  required: ["retry_after"],
  additionalProperties: false,
  properties: { retry_after: { type: "integer", minimum: 0 } },
};

// errors.md §3: code -> reason, description of Rocket's default catcher
export const CATCHER_TEXT = {
  400: ["Bad Request", "The request could not be understood by the server due to malformed syntax."],
  401: ["Unauthorized", "The request requires user authentication."],
  404: ["Not Found", "The requested resource could not be found."],
  413: ["Payload Too Large", "The request is larger than the server is willing or able to process."],
  422: [
    "Unprocessable Entity",
    "The request was well-formed but was unable to be followed due to semantic errors.",
  ],
  500: ["Internal Server Error", "The server encountered an internal error while processing this request."],
};
