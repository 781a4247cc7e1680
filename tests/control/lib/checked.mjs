// checked.mjs: importing this module makes every fetch() of this process to a /_mock
// URL checked against the control API's document (control.mjs) as it arrives; a
// nonconforming answer makes the fetch reject and is recorded, and the afterEach hook
// fails the running test even if it caught the rejection. At exit the tallies go to
// $STOAT_CONTROL_TALLY/<pid>.json for run.sh's report.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach } from "node:test";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

import { ControlViolation, makeChecker } from "./control.mjs";

export const { check } = makeChecker(Ajv2020, addFormats);
export const tally = new Map();
export const violations = [];
let unseen = 0;

const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const request = new Request(input, init);
  const response = await realFetch(request);
  if (!/^\/(0\.8\/)?_mock(\/|$)/.test(new URL(request.url).pathname)) return response;
  // an endless stream (GET /_mock/ui/changes): its status and type are checked, its
  // body is the caller's to read
  const stream = (response.headers.get("content-type") ?? "").startsWith("text/event-stream");
  const text = stream ? "" : await response.text();
  try {
    const { key } = check(request.method, request.url, response.status, response.headers.get("content-type"), text);
    tally.set(key, (tally.get(key) ?? 0) + 1);
  } catch (e) {
    violations.push(e instanceof ControlViolation ? e.message : `${request.method} ${request.url}: ${e.stack}`);
    unseen++;
    throw e;
  }
  if (stream) return response;
  return new Response(response.status === 204 ? null : text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
};

afterEach(() => {
  if (unseen) {
    const n = unseen;
    unseen = 0;
    throw new ControlViolation(`${n} control answer(s) did not conform:\n${violations.slice(-n).join("\n")}`);
  }
});

process.on("exit", () => {
  const dir = process.env.STOAT_CONTROL_TALLY;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ tally: Object.fromEntries(tally), violations }));
});
