// suite.cjs: the tests both runners run, written once. Each runner's file passes its own
// globals and the helper as it loads it (Jest: require, lib.cjs; Vitest: import, index.js).
module.exports = function suite({ beforeAll, afterAll, beforeEach, test, expect }, { start, StoatMockError }) {
  let mock;
  beforeAll(async () => {
    mock = await start({ args: ["--seed", "1"] });
  });
  afterAll(() => mock?.stop());
  beforeEach(() => mock.reset());

  test("a fresh account owns no bots", async () => {
    const { user, token } = await mock.createUser("owner");
    expect(user.username).toBe("owner");
    const r = await mock.request("GET", "/bots/@me", { token });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ bots: [], users: [] });
  });

  test("each test starts from the fixtures", async () => {
    const names = (await mock.state()).users.map((u) => u.username);
    expect(names).not.toContain("owner");
    expect(await mock.requests()).toEqual([]);
  });

  test("a fault, then the journal", async () => {
    const id = await mock.addFault({ method: "GET", path: "/bots/@me", error: { type: "InternalError" } });
    const r = await mock.request("GET", "/bots/@me", { token: "alice-session" });
    expect([r.status, r.json.type]).toEqual([500, "InternalError"]);
    expect((await mock.requests({ method: "GET" })).map((q) => q.fault)).toEqual([id]);
    await expect(mock.addFault({ nope: 1 })).rejects.toBeInstanceOf(StoatMockError);
  });

  test("the same seed gives the same ids after each reset", async () => {
    const first = await mock.createUser("dave");
    await mock.reset();
    expect(await mock.createUser("dave")).toEqual(first);
    expect(mock.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);
  });
};
