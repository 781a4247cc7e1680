// lib.mjs: what the browser tests share: Debian's chromium launched by playwright-core
// with a fresh profile and the flags of a closed network, a watch on every page (console
// errors, page errors, dialogs, requests to another origin), and where screenshots go.
// Servers come from tests/clients/lib/server.mjs (a stoat-mock of our own on a free port).

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { chromium } from "playwright-core";

import { MOCK_BIN } from "../clients/lib/server.mjs";

export { startServer } from "../clients/lib/server.mjs";

export const CHROMIUM = process.env.STOAT_CHROMIUM ?? "/usr/bin/chromium";
// screenshots and profiles: beside the binary under test, in the build folder
export const OUT_DIR = process.env.STOAT_BROWSER_OUT ?? join(dirname(resolve(MOCK_BIN)), "browser");

// This machine's network is closed: nothing of Google's is asked for.
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** A browser with a profile of its own (removed by close()). */
export async function launch({ viewport = { width: 1280, height: 800 }, colorScheme = "light" } = {}) {
  mkdirSync(OUT_DIR, { recursive: true });
  const profile = mkdtempSync(join(OUT_DIR, "profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
    colorScheme,
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Records what must not happen on a page of `base`: a console error, an uncaught
 * error, a dialog (alert() from injected markup would open one), a request to
 * another origin. Returns the list, which a test asserts empty.
 */
export function watch(page, base) {
  const problems = [];
  const origin = new URL(base).origin;
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog ${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.protocol !== "blob:" && u.protocol !== "data:" && u.origin !== origin)
      problems.push(`request to another origin: ${r.method()} ${r.url()}`);
  });
  return problems;
}

export const screenshot = (page, name) => page.screenshot({ path: join(OUT_DIR, `${name}.png`) });
