// The helper under Vitest (ESM): import from "stoat-mock" loads index.js.
import { beforeAll, afterAll, beforeEach, test, expect } from "vitest";
import * as helper from "stoat-mock";
import suite from "./suite.cjs";

suite({ beforeAll, afterAll, beforeEach, test, expect }, helper);
