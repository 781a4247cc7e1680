// Types of the stoat-mock Node helper (index.js / lib.cjs).

export interface StartOptions {
  /** The stoat-mock executable; before $STOAT_MOCK_BIN and then `stoat-mock` on PATH. */
  bin?: string;
  /** Extra server flags, e.g. ["--seed", "1"]; added after `--port 0 --quiet`. */
  args?: string[];
  /** Variables added to process.env for the server, e.g. { STOAT_MOCK_SEED: "1" }. */
  env?: Record<string, string>;
  /** Milliseconds to wait for the server to print its address (default 10000). */
  timeout?: number;
}

export interface RequestOptions {
  /** A body, sent as JSON. */
  json?: unknown;
  /** An x-session-token. */
  token?: string;
  /** An x-bot-token. */
  botToken?: string;
  headers?: Record<string, string>;
  /** Milliseconds before the request is abandoned (default 30000). */
  timeout?: number;
}

export interface MockResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body; null when empty or not JSON. */
  json: any;
}

/** A fault as POST /_mock/faults takes it (README, "Faults"). */
export interface FaultSpec {
  method?: string | null;
  path?: string;
  token?: string;
  times?: number | null;
  error?: { type: string; location?: string; [field: string]: unknown };
  delay_ms?: number;
  drop?: boolean;
}

/** One entry of the request journal (README, "Journal"). */
export interface JournalEntry {
  time: string;
  method: string;
  path: string;
  query: string | null;
  route: string | null;
  auth: "bot" | "session" | "oauth2" | "none";
  status: number;
  duration_us: number;
  body: string | null;
  body_truncated?: boolean;
  body_bytes?: number;
  fault?: string;
  delay_ms?: number;
}

/** Which journal entries to keep; every member given must hold. */
export interface JournalFilter {
  /** The method, any case. */
  method?: string;
  /** A path pattern ("/bots/*"). */
  path?: string;
  /** A route row's name ("bots.edit"), "not_emulated" (answered 501), "unmatched" (no row
   * answered) or "gateway" (the events WebSocket's entries). */
  route?: string;
}

export interface StoatMock {
  /** http://HOST:PORT, the base of the emulated API. */
  readonly url: string;
  /** The `ws` address that GET / advertises. */
  readonly wsUrl: string;
  readonly pid: number;
  /** Any request; resolves whatever the status. */
  request(method: string, path: string, options?: RequestOptions): Promise<MockResponse>;
  /** Store back to the start-up fixtures, faults and journal emptied, seed restarted. */
  reset(): Promise<void>;
  /** A new human account with a session token. */
  createUser(name: string): Promise<{ user: Record<string, any>; token: string }>;
  /** Registers a fault; resolves its id, e.g. "fault-1". */
  addFault(spec: FaultSpec): Promise<string>;
  /** The journal, oldest first. */
  requests(filter?: JournalFilter): Promise<JournalEntry[]>;
  /** How many journal entries the filter keeps. */
  requestCount(filter?: JournalFilter): Promise<number>;
  /** The whole state as a fixture document. */
  state(): Promise<Record<string, any>>;
  /** Replaces the whole state with a fixture document. */
  setState(doc: Record<string, any>): Promise<void>;
  /** The server's stderr so far (the last 64 KiB). */
  stderr(): string;
  /** SIGTERM (SIGKILL after 5 s); resolves how it exited. */
  stop(): Promise<{ code: number | null; signal: string | null }>;
}

/** Starts a server on a free port; rejects with StoatMockStartError (with the server's stderr). */
export function start(options?: StartOptions): Promise<StoatMock>;

/** The executable start() would run: bin, else $STOAT_MOCK_BIN, else PATH; throws StoatMockStartError. */
export function findBinary(bin?: string, env?: Record<string, string | undefined>): string;

export class StoatMockError extends Error {
  readonly status: number;
  readonly body: any;
}

export class StoatMockStartError extends Error {}
