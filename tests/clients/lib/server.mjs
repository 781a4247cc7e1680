// server.mjs: a stoat-mock of our own, on a free port, for tests that change state.
//
// startServer() runs $STOAT_MOCK_BIN (run.sh sets it; default ../../build/stoat-mock)
// with --port 0 and reads the address from the first stdout line,
// "stoat-mock X listening on http://HOST:PORT (...)". Fixture documents given as
// objects are written to a temporary file and passed with --fixtures.
// sharedServerUrl() is the server run.sh started for the whole suite
// ($STOAT_MOCK_URL) when there is one; tests that only read use it.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const MOCK_BIN = process.env.STOAT_MOCK_BIN ?? resolve(here, "..", "..", "..", "build", "stoat-mock");

/**
 * @param {{fixtures?: object, args?: string[]}} opts
 * @returns {Promise<{url: string, stop: () => Promise<void>, log: () => string}>}
 */
export async function startServer({ fixtures, args = [] } = {}) {
  const argv = ["--port", "0", "--quiet", ...args];
  let dir;
  if (fixtures) {
    dir = mkdtempSync(join(tmpdir(), "stoat-mock-fixtures-"));
    const file = join(dir, "fixtures.json");
    writeFileSync(file, JSON.stringify(fixtures));
    argv.push("--fixtures", file);
  }
  const child = spawn(MOCK_BIN, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((res) => child.once("exit", (code, signal) => res({ code, signal })));
  const first = await new Promise((res, rej) => {
    const rl = createInterface({ input: child.stdout });
    rl.once("line", (line) => res(line));
    child.once("error", rej);
    exited.then(({ code }) => rej(new Error(`stoat-mock exited (${code}) before listening: ${stderr.trim()}`)));
  });
  child.stdout.resume(); // keep draining
  const m = /listening on (http:\/\/\S+:\d+)/.exec(first);
  if (!m) {
    child.kill("SIGTERM");
    throw new Error(`unexpected first line from stoat-mock: ${first}`);
  }
  return {
    url: m[1],
    log: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The suite's shared server (run.sh), or null when a file runs on its own. */
export function sharedServerUrl() {
  return process.env.STOAT_MOCK_URL || null;
}
