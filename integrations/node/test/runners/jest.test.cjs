// The helper under Jest in its default CommonJS mode: require("stoat-mock") loads lib.cjs.
require("./suite.cjs")({ beforeAll, afterAll, beforeEach, test, expect }, require("stoat-mock"));
