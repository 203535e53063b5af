import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestkitError } from "./errors.js";
import { withTimeout } from "./with-timeout.js";

/** How a tracked process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process started through `spawnTracked`; `stopAllPeers` and process exit kill it. */
export interface TrackedProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves once the process has exited and been reaped (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Set once `exited` has resolved. */
  readonly exitInfo: ExitInfo | undefined;
  /** SIGTERM to the process group, SIGKILL after `graceMs` (default 3000); waits for the reap. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

export interface SpawnTrackedOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Default: stdin ignored, stdout/stderr piped. File descriptors may be given. */
  stdio?: StdioOptions;
}

const live = new Set<TrackedProcess>();
const tempDirs = new Set<string>();
const exitCleanups = new Set<() => void>();
let hooksInstalled = false;

/**
 * Whether `pid` is a running process. A zombie counts as dead: on this kind of machine
 * PID 1 does not reap orphans, so `kill(pid, 0)` succeeds on processes that are long gone.
 */
export function isAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return false;
  }
  // Field 3 (state) follows the parenthesised command name, which may itself contain ')'.
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X" && state !== "x";
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function killAllSync(): void {
  for (const p of live) if (!p.exitInfo) killGroup(p.pid, "SIGKILL");
  live.clear();
  for (const fn of exitCleanups) {
    try {
      fn();
    } catch {
      // best effort at exit
    }
  }
  exitCleanups.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/**
 * Registers a synchronous cleanup (e.g. removing an X lock file) run when this process exits
 * or is signalled before the owner cleaned up. Returns a function that unregisters it.
 */
export function onExitSync(fn: () => void): () => void {
  installHooks();
  exitCleanups.add(fn);
  return () => void exitCleanups.delete(fn);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' also runs after a failed test run; handlers here must be synchronous.
  process.on("exit", killAllSync);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      killAllSync();
      // Only take over termination when nobody else (e.g. the test runner) listens.
      if (process.listenerCount(signal) === 1) process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
    });
  }
}

/**
 * Spawns `command` in its own process group (so stop() also reaches its children) and
 * registers it for cleanup: `stopAllPeers()` and the exit of this Node process kill it.
 */
export function spawnTracked(command: string, args: readonly string[], options: SpawnTrackedOptions = {}): TrackedProcess {
  installHooks();
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let exitInfo: ExitInfo | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (err) => {
      spawnError = err;
      exitInfo ??= { code: -1, signal: null };
      resolve(exitInfo);
    });
    child.once("exit", (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  const tracked: TrackedProcess = {
    pid: child.pid ?? -1,
    child,
    exited,
    get exitInfo() {
      return exitInfo;
    },
    async stop(graceMs = 3000) {
      if (!exitInfo && child.pid !== undefined) {
        killGroup(child.pid, "SIGTERM");
        try {
          await withTimeout(exited, graceMs, `${command} SIGTERM`);
        } catch {
          killGroup(child.pid, "SIGKILL");
        }
      }
      const info = await exited;
      // Children of the group that survived their leader (e.g. xterm's shell).
      if (child.pid !== undefined) killGroup(child.pid, "SIGKILL");
      live.delete(tracked);
      return info;
    },
  };
  if (child.pid === undefined) {
    // spawn() reports ENOENT asynchronously; make that a typed error at the call site.
    throw new TestkitError("ERR_PEER_MISSING", `cannot run ${command}: ${spawnError?.message ?? "spawn failed"}`);
  }
  live.add(tracked);
  void exited.then(() => {
    if (tracked.exitInfo) live.delete(tracked);
  });
  return tracked;
}

/** Kills every process started with `spawnTracked` that is still running and removes temp dirs. Use in `afterAll`. */
export async function stopAllPeers(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(1000)));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** A fresh directory under the OS temp dir, removed by `stopAllPeers()` or at process exit unless `keep`. */
export function makeTempDir(prefix: string, keep = false): string {
  installHooks();
  const dir = mkdtempSync(join(tmpdir(), `saffron-${prefix}-`));
  if (!keep) tempDirs.add(dir);
  return dir;
}

/** Removes a directory made by `makeTempDir` now. */
export function removeTempDir(dir: string): void {
  tempDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the command after this long (default 30 s) and reject with ERR_PEER_TIMEOUT. */
  timeoutMs?: number;
  /** Reject with ERR_PEER_EXIT on a non-zero exit (default true). */
  check?: boolean;
}

/** Runs a short command to completion (tracked, so a hung one is still killed at exit) and collects its output. */
export async function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const { timeoutMs = 30_000, check = true } = options;
  const proc = spawnTracked(command, args, { env: options.env, cwd: options.cwd });
  let stdout = "";
  let stderr = "";
  proc.child.stdout?.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  proc.child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const streamsDone = Promise.all(
    [proc.child.stdout, proc.child.stderr].map((s) => (s ? new Promise((r) => s.once("close", r)) : undefined)),
  );
  const info = await withTimeout(proc.exited, timeoutMs, `${command} ${args.join(" ")}`, () => {
    void proc.stop(0);
  }).catch((err: unknown) => {
    throw new TestkitError("ERR_PEER_TIMEOUT", `${command} did not finish within ${timeoutMs} ms`, {
      details: tail(stderr),
      cause: err,
    });
  });
  await proc.stop(0);
  await withTimeout(streamsDone, 1000, "output streams").catch(() => undefined);
  const result: RunResult = { ...info, stdout, stderr };
  if (check && info.code !== 0) {
    throw new TestkitError(
      "ERR_PEER_EXIT",
      `${command} ${args.join(" ")} failed (${info.signal ?? `exit ${info.code}`})`,
      { details: tail(stderr || stdout), exitCode: info.code },
    );
  }
  return result;
}

/** The last `lines` lines of a text (for error details). */
export function tail(text: string, lines = 30): string {
  return text.split("\n").slice(-lines).join("\n").trim();
}

/** The last `lines` lines of a file, or "" when it cannot be read. */
export function tailFile(path: string, lines = 30): string {
  try {
    const buf = readFileSync(path);
    // Only look at the end: the Xspice driver can write tens of MB of stderr.
    return tail(buf.subarray(Math.max(0, buf.length - 16_384)).toString("utf8"), lines);
  } catch {
    return "";
  }
}
