// document.test.mjs: docs/control-openapi.json is a valid OpenAPI 3.1 document (a real
// validator, @seriousme/openapi-schema-validator, pinned), every schema in it compiles
// under ajv's strict mode, the server serves it byte for byte at GET /_mock/openapi.json,
// it describes every /_mock row of server/routes.c and nothing else, and its list of
// error types is server/errors.def.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";

import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

import "../lib/checked.mjs";
import { DOC, DOC_ID, DOC_PATH, documentedOperations, schemaDocument } from "../lib/control.mjs";
import { asRow, catalogueTypes, controlRows } from "../lib/routes.mjs";
import { sharedServerUrl, startServer } from "../../clients/lib/server.mjs";

let url, own;
before(async () => {
  url = sharedServerUrl();
  if (!url) {
    own = await startServer();
    url = own.url;
  }
});
after(async () => own?.stop());

describe("docs/control-openapi.json", () => {
  test("a valid OpenAPI 3.1 document", async () => {
    const v = new Validator();
    const res = await v.validate(DOC_PATH);
    assert.equal(res.valid, true, JSON.stringify(res.errors, null, 2));
    assert.equal(v.version, "3.1");
  });

  test("the validator is no rubber stamp: a response without its description is refused", async () => {
    const broken = structuredClone(DOC);
    delete broken.paths["/_mock/health"].get.responses["200"].description;
    const res = await new Validator().validate(broken);
    assert.equal(res.valid, false);
    assert.match(JSON.stringify(res.errors), /description/);
  });

  test("every schema compiles under ajv's strict mode (JSON Schema 2020-12)", () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addSchema(schemaDocument());
    for (const name of Object.keys(DOC.components.schemas)) assert.ok(ajv.compile({ $ref: `${DOC_ID}#/$defs/${name}` }), name);
  });

  test("GET /_mock/openapi.json serves it byte for byte, also under /0.8", async () => {
    const file = readFileSync(DOC_PATH, "utf8");
    for (const prefix of ["", "/0.8"]) {
      const res = await fetch(`${url}${prefix}/_mock/openapi.json`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/json");
      assert.equal(await res.text(), file);
    }
  });

  test("it describes every /_mock row of server/routes.c, and only those", () => {
    const rows = controlRows();
    const ops = documentedOperations().map(asRow);
    assert.ok(rows.length >= 12, `only ${rows.length} control rows found in routes.c`);
    const undescribed = rows.filter((r) => !ops.includes(r));
    assert.deepEqual(undescribed, [], "routes.c rows the document does not describe (docs/control-openapi.json)");
    const extra = ops.filter((o) => !rows.includes(o));
    assert.deepEqual(extra, [], "operations of the document no row of routes.c has");
  });

  test("a fault's error types are the catalogue (server/errors.def)", () => {
    assert.deepEqual(DOC.components.schemas.ErrorType.enum, catalogueTypes());
  });
});
