import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand, spawnTracked, type TrackedProcess } from "./processes.js";
import { waitFor } from "./with-timeout.js";

/** The repository root; this file sits at packages/testkit/{src,dist}/. */
function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
}

/** The built `saffron` command, packages/cli/dist/bin.js (run it with process.execPath). */
export function saffronCliBin(): string {
  return join(repoRoot(), "packages/cli/dist/bin.js");
}

/** The latest modification time of the .ts files under `dir` (0 when none). */
function newestTs(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newestTs(p) : e.name.endsWith(".ts") ? statSync(p).mtimeMs : 0);
  }, 0);
}

/**
 * Rebuilds the CLI (`npx tsc -b` at the repository root) when a source file of cli, server,
 * protocol or codecs is newer than packages/cli/dist/bin.js, for tests that run the real
 * binary; returns its path. A failing build (someone's work in progress elsewhere in the
 * tree) only warns when a binary exists.
 */
export async function ensureCliBuilt(): Promise<string> {
  const root = repoRoot();
  const bin = saffronCliBin();
  const srcs = ["cli", "server", "protocol", "codecs"].map((p) => newestTs(join(root, "packages", p, "src")));
  if (existsSync(bin) && statSync(bin).mtimeMs >= Math.max(...srcs)) return bin;
  try {
    await runCommand("npx", ["tsc", "-b"], { cwd: root, timeoutMs: 120_000 });
  } catch (e) {
    if (!existsSync(bin)) throw e;
    console.warn(`ensureCliBuilt: tsc -b failed, testing the existing dist/: ${(e as Error).message.split("\n").slice(0, 4).join(" ")}`);
  }
  return bin;
}

/** The environment to run the CLI in: this process's, without SPICE_PASSWORD (tests pass passwords explicitly). */
export function saffronCliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SPICE_PASSWORD;
  return env;
}

export interface SaffronCliProcess {
  readonly proc: TrackedProcess;
  /** Everything it printed so far (stdout and stderr interleaved). */
  output(): string;
}

/**
 * Starts the built CLI (`node packages/cli/dist/bin.js ...args`, SPICE_PASSWORD removed from
 * the environment) and resolves once its output contains `readyText` (e.g. the
 * `spice://127.0.0.1:<port>` it prints when listening). Exiting first, or not getting
 * ready within `timeoutMs` (default 15 s), rejects.
 */
export async function startSaffronCli(args: readonly string[], readyText: string, options: { timeoutMs?: number } = {}): Promise<SaffronCliProcess> {
  const proc = spawnTracked(process.execPath, [saffronCliBin(), ...args], { env: saffronCliEnv() });
  let out = "";
  proc.child.stdout!.setEncoding("utf8").on("data", (s: string) => (out += s));
  proc.child.stderr!.setEncoding("utf8").on("data", (s: string) => (out += s));
  await waitFor(
    () => {
      if (proc.exitInfo) throw new Error(`saffron ${args[0] ?? ""} exited early (${proc.exitInfo.code}): ${out}`);
      return out.includes(readyText);
    },
    { timeoutMs: options.timeoutMs ?? 15_000, label: `saffron ${args[0] ?? ""} ready` },
  );
  return { proc, output: () => out };
}
