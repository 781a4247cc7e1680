// types.check.ts: index.d.ts as a TypeScript user meets it; `tsc -p .` must accept this
// file (it is type-checked, never run).
import { start, findBinary, StoatMockError, StoatMockStartError, type StoatMock, type JournalEntry } from "stoat-mock";

async function use(): Promise<void> {
  const bin: string = findBinary(undefined, { STOAT_MOCK_BIN: "/usr/bin/stoat-mock" });
  const mock: StoatMock = await start({ bin, args: ["--seed", "1"], env: { STOAT_MOCK_QUIET: "1" }, timeout: 5000 });
  const url: string = mock.url;
  const ws: string = mock.wsUrl;
  await mock.reset();
  const { user, token } = await mock.createUser("owner");
  const id: string = await mock.addFault({ method: "PATCH", path: "/bots/*", error: { type: "DatabaseError", operation: "update_one" } });
  await mock.addFault({ path: "*", delay_ms: 10, times: null });
  const sent: JournalEntry[] = await mock.requests({ method: "PATCH" });
  const status: number = sent[0].status;
  const doc = await mock.state();
  await mock.setState(doc);
  const r = await mock.request("GET", "/bots/@me", { token, headers: { accept: "application/json" } });
  const n: number = r.status;
  const stopped: { code: number | null; signal: string | null } = await mock.stop();
  try {
    await mock.createUser("x");
  } catch (e) {
    if (e instanceof StoatMockError) console.log(e.status, e.body);
    if (e instanceof StoatMockStartError) console.log(e.message);
  }
  console.log(url, ws, user._id, id, status, n, stopped, mock.stderr());
  // @ts-expect-error: a fault's method is a string
  await mock.addFault({ method: 1 });
  // @ts-expect-error: requests filters by method and path only
  await mock.requests({ status: 500 });
}
void use;
