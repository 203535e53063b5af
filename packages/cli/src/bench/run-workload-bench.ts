import { join } from "node:path";
import { tmpdir } from "node:os";
import {
  processCpuSeconds,
  sleep,
  SpiceWireTap,
  startByteRelay,
  startRemoteViewer,
  startVncViewer,
  stopAllPeers,
  type ByteRelay,
  type TappedMessage,
  type ViewerSession,
} from "@saffron/testkit";
import type { BenchOptions } from "./bench-args.js";
import { formatWorkloadJsonLine, formatWorkloadTables, medianResult, type WorkloadResult } from "./workload-report.js";
import { CONFIGS, missingPrograms, startServer, type BenchServer, type ServerConfig } from "./workload-servers.js";
import { ANIMATION_AREA, ANIMATION_SECONDS, prepareFrames, runWorkload, SETTLE_AFTER_MS, WORKLOADS, type Workload } from "./workloads.js";

export interface WorkloadBenchIo {
  write(text: string): void;
  /** Progress lines (stderr). */
  log(text: string): void;
}

/** Client settle time after connecting, before the window starts (peers.md: 4 s). */
export const CONNECT_SETTLE_MS = 4000;
/** DRAW_COPYs closer than this belong to one animation frame. */
const FRAME_GAP_MS = 15;

export const workloadCaseKey = (workload: Workload, config: ServerConfig): string => `${workload}/${config}`;

/**
 * Runs every workload on every configuration, `opts.runs` times, each run on a fresh server with
 * a fresh client (the Xspice GLZ pathology makes a reused server slower run after run). TigerVNC
 * is skipped (with a note) when Xvnc or xtigervncviewer is not installed. Prints JSON lines
 * (medians) or the tables at the end.
 */
export async function runWorkloadBench(opts: BenchOptions, io: WorkloadBenchIo): Promise<WorkloadResult[]> {
  const cases = WORKLOADS.flatMap((w) => CONFIGS.map((c) => ({ workload: w, config: c }))).filter(
    (k) => !opts.filter || opts.filter.test(workloadCaseKey(k.workload, k.config)),
  );
  if (cases.length === 0) throw new Error(`no workload benchmark case matches --filter ${opts.filter?.source}`);
  const skipped = new Map<ServerConfig, string[]>();
  for (const c of CONFIGS) {
    const missing = missingPrograms(c);
    if (missing.length) skipped.set(c, missing);
  }
  for (const [c, missing] of skipped) {
    io.log(`bench workloads: skipping ${c}: not installed: ${missing.join(", ")}${c === "tigervnc" ? " (apt-get install tigervnc-standalone-server tigervnc-viewer)" : ""}\n`);
  }
  const todo = cases.filter((k) => !skipped.has(k.config));
  if (todo.length === 0) throw new Error("no configuration can run: install the Debian peers (see 'saffron bench --help')");

  const frames = todo.some((k) => k.workload === "animate") ? await prepareFrames(join(tmpdir(), "saffron-bench-frames")) : [];
  const perCase = new Map<string, WorkloadResult[]>();
  try {
    for (let run = 1; run <= opts.runs; run++) {
      for (const k of todo) {
        io.log(`bench workloads: run ${run}/${opts.runs} ${workloadCaseKey(k.workload, k.config)} ... `);
        const r = await measureOnce(k.workload, k.config, frames);
        io.log(r.error ? `failed: ${r.error.split("\n")[0]}\n` : `${r.wallS.toFixed(2)} s, ${r.s2cBytes.toLocaleString("en-US")} B, cpu ${r.serverCpuS.toFixed(2)} s${r.fps !== undefined ? `, ${r.fps.toFixed(1)} fps` : ""}\n`);
        const key = workloadCaseKey(k.workload, k.config);
        perCase.set(key, [...(perCase.get(key) ?? []), r]);
      }
    }
  } finally {
    await stopAllPeers();
  }
  const results = todo.map((k) => medianResult(perCase.get(workloadCaseKey(k.workload, k.config))!));
  if (opts.json) {
    for (const r of results) io.write(formatWorkloadJsonLine(r) + "\n");
  } else {
    const notes = [...skipped].map(([c, m]) => `${c} not measured (missing ${m.join(", ")})`);
    const header =
      `Saffron workload benchmark: ${opts.runs === 1 ? "1 run" : `median of ${opts.runs} runs`} per workload and server, fresh server and client per run ` +
      `(Node ${process.version}; client remote-viewer / xtigervncviewer on their own Xvfb, through a counting relay)` +
      (notes.length ? `\nNote: ${notes.join("; ")}; TigerVNC ratios then use the peers.md figures.` : "");
    io.write(formatWorkloadTables(results, header));
  }
  return results;
}

/** Whether a DRAW_COPY (body starts with surface_id u32, box top/left/bottom/right i32) touches the animation area. */
export function drawTouchesAnimation(head: Uint8Array): boolean {
  if (head.length < 20) return false;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const surface = dv.getUint32(0, true);
  const top = dv.getInt32(4, true);
  const left = dv.getInt32(8, true);
  const bottom = dv.getInt32(12, true);
  const right = dv.getInt32(16, true);
  const a = ANIMATION_AREA;
  return surface === 0 && left < a.x + a.width && right > a.x && top < a.y + a.height && bottom > a.y;
}

async function measureOnce(workload: Workload, config: ServerConfig, frames: readonly string[]): Promise<WorkloadResult> {
  let server: BenchServer | undefined;
  let relay: ByteRelay | undefined;
  let viewer: ViewerSession | undefined;
  const base = { workload, config, runs: 1 };
  try {
    server = await startServer(config);
    const spice = config !== "tigervnc";
    const tap = spice ? new SpiceWireTap() : undefined;
    let counting = false;
    let frameCount = 0;
    let lastDraw = -Infinity;
    if (tap && workload === "animate") {
      tap.onMessage = (m: TappedMessage) => {
        if (!counting || m.channel !== "display") return;
        if (m.name === "StreamData") frameCount++;
        else if (m.name === "DrawCopy" && drawTouchesAnimation(m.head)) {
          if (m.timeMs - lastDraw > FRAME_GAP_MS) frameCount++;
          lastDraw = m.timeMs;
        }
      };
    }
    relay = await startByteRelay({ targetPort: server.port, onConnection: tap?.relayHooks });
    viewer = spice ? await startRemoteViewer({ port: relay.port }) : await startVncViewer({ port: relay.port });
    await sleep(CONNECT_SETTLE_MS);
    viewer.assertRunning();
    server.assertRunning();
    if (relay.connections === 0) throw new Error(`the client did not connect:\n${viewer.stderr()}`);

    const connectBytes = relay.s2c;
    tap?.reset();
    const s0 = relay.s2c;
    const cpu0 = processCpuSeconds(server.serverPid) ?? 0;
    const xvfb0 = server.xvfbPid !== undefined ? processCpuSeconds(server.xvfbPid) : undefined;
    const t0 = performance.now();
    counting = true;
    const outcome = await runWorkload(workload, server.display, frames);
    await sleep(SETTLE_AFTER_MS);
    counting = false;
    const wallS = (performance.now() - t0) / 1000;
    const s2cBytes = relay.s2c - s0;
    const cpu1 = processCpuSeconds(server.serverPid);
    const xvfb1 = server.xvfbPid !== undefined ? processCpuSeconds(server.xvfbPid) : undefined;
    server.assertRunning();
    return {
      ...base,
      wallS,
      s2cBytes,
      serverCpuS: (cpu1 ?? cpu0) - cpu0,
      xvfbCpuS: xvfb0 !== undefined && xvfb1 !== undefined ? xvfb1 - xvfb0 : undefined,
      fps: tap && workload === "animate" ? frameCount / ANIMATION_SECONDS : undefined,
      connectBytes,
      timedOut: outcome.timedOut || undefined,
      messages: tap?.sorted().slice(0, 10),
    };
  } catch (e) {
    return { ...base, wallS: 0, s2cBytes: 0, serverCpuS: 0, connectBytes: 0, error: e instanceof Error ? e.message : String(e) };
  } finally {
    await viewer?.stop().catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
  }
}
