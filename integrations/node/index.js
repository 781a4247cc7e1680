// stoat-mock for Node test runners (node:test, Jest, Vitest, Mocha): start a stoat-mock
// server on a free port and drive its control API. ESM entry; the code is in lib.cjs,
// which CommonJS runtimes (Jest's default) load directly. Types: index.d.ts.
//
//   import { start } from "stoat-mock";
//   const mock = await start({ args: ["--seed", "1"] });
//   await mock.reset(); ... await mock.stop();
import lib from "./lib.cjs";

export const { start, findBinary, StoatMockError, StoatMockStartError } = lib;
