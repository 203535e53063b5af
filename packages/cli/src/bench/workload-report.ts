import { CONFIG_LABELS, CONFIGS, type ServerConfig } from "./workload-servers.js";
import { WORKLOADS, type Workload } from "./workloads.js";

/** One measured window (or the median of several runs). */
export interface WorkloadResult {
  workload: Workload;
  config: ServerConfig;
  runs: number;
  /** Workload start to end + 1 s settle. */
  wallS: number;
  /** Server→client bytes over all channels (relay count) in the window. */
  s2cBytes: number;
  /** utime+stime of the server process in the window: Xorg (Xspice), node (Saffron), Xvnc. */
  serverCpuS: number;
  /** Saffron: the CPU of the Xvfb it serves, in the window. */
  xvfbCpuS?: number;
  /** animate on SPICE: frames seen per second (STREAM_DATA messages + bursts of DRAW_COPY in the animation area). */
  fps?: number;
  /** Server→client bytes before the window (connect and 4 s settle). */
  connectBytes: number;
  timedOut?: boolean;
  /** SPICE: where the bytes went, by "channel.Message", largest first (top 10). */
  messages?: { key: string; count: number; bytes: number }[];
  error?: string;
}

/**
 * TigerVNC 1.12 figures of peers.md §6 (same workloads and relay, xtigervncviewer defaults,
 * median of 3 runs), printed as context and used for the ratios when Xvnc is not measured.
 */
export const TIGERVNC_REFERENCE: Partial<Record<Workload, { s2cBytes: number; wallS: number; serverCpuS: number }>> = {
  seq: { s2cBytes: 121_075, wallS: 1.69, serverCpuS: 0.19 },
  yes: { s2cBytes: 6_666, wallS: 1.93, serverCpuS: 0.41 },
  animate: { s2cBytes: 12_752_142, wallS: 11.44, serverCpuS: 0.77 },
};

/** Targets of the issue. */
export const TARGETS = {
  /** seq / yes: Saffron's bytes at most Xspice's and at most this times TigerVNC's. */
  textVsTigervnc: 2,
  /** animate: at least this many frames per second, and fewer bytes than TigerVNC. */
  animateFps: 15,
} as const;

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

/** The --json line of one result. */
export function formatWorkloadJsonLine(r: WorkloadResult): string {
  const o: Record<string, unknown> = {
    workload: r.workload,
    config: r.config,
    runs: r.runs,
    wallS: round(r.wallS, 2),
    s2cBytes: r.s2cBytes,
    kBps: round(r.s2cBytes / 1000 / Math.max(r.wallS, 1e-9), 1),
    serverCpuS: round(r.serverCpuS, 2),
  };
  if (r.xvfbCpuS !== undefined) o.xvfbCpuS = round(r.xvfbCpuS, 2);
  if (r.fps !== undefined) o.fps = round(r.fps, 1);
  o.connectBytes = r.connectBytes;
  if (r.timedOut) o.timedOut = true;
  if (r.messages) o.messages = r.messages;
  if (r.error) o.error = r.error;
  return JSON.stringify(o);
}

/** The median of each number over runs (results of one workload and config). */
export function medianResult(runs: readonly WorkloadResult[]): WorkloadResult {
  const ok = runs.filter((r) => !r.error);
  if (ok.length === 0) return { ...runs[runs.length - 1], runs: runs.length };
  const med = (f: (r: WorkloadResult) => number | undefined): number | undefined => {
    const v = ok.map(f).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    if (v.length === 0) return undefined;
    return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  // The run with the median byte count supplies the message breakdown.
  const byBytes = [...ok].sort((a, b) => a.s2cBytes - b.s2cBytes);
  const mid = byBytes[(byBytes.length - 1) >> 1];
  return {
    workload: ok[0].workload,
    config: ok[0].config,
    runs: runs.length,
    wallS: med((r) => r.wallS)!,
    s2cBytes: med((r) => r.s2cBytes)!,
    serverCpuS: med((r) => r.serverCpuS)!,
    xvfbCpuS: med((r) => r.xvfbCpuS),
    fps: med((r) => r.fps),
    connectBytes: med((r) => r.connectBytes)!,
    timedOut: ok.some((r) => r.timedOut) || undefined,
    messages: mid.messages,
    error: ok.length < runs.length ? `${runs.length - ok.length} of ${runs.length} runs failed: ${runs.find((r) => r.error)!.error}` : undefined,
  };
}

const TITLES: Record<Workload, string> = {
  seq: "seq: xterm 80x24 running `seq 1 20000`",
  yes: "yes: xterm 80x24 running `yes | head -n 50000`",
  animate: "animate: 20 fps animation of 400x300 plasma frames for 10 s",
  idle: "idle: 4 s with nothing drawn",
};

/** Tables per workload, with ratios Saffron/Xspice and Saffron/TigerVNC and PASS/MISS on the targets. */
export function formatWorkloadTables(results: readonly WorkloadResult[], header: string): string {
  const lines: string[] = [header, ""];
  let pass = 0;
  let miss = 0;
  const mark = (ok: boolean): string => (ok ? (pass++, "PASS") : (miss++, "MISS"));
  const int = (x: number): string => Math.round(x).toLocaleString("en-US");
  const cols = (c: string[], w: number[]): string => c.map((s, i) => (i === 0 ? s.padEnd(w[0]) : s.padStart(w[i]))).join("");
  const widths = [26, 8, 13, 9, 10, 9, 7, 12, 12];
  for (const workload of WORKLOADS) {
    const rows = CONFIGS.map((c) => results.find((r) => r.workload === workload && r.config === c)).filter((r): r is WorkloadResult => !!r);
    if (rows.length === 0) continue;
    lines.push(TITLES[workload]);
    lines.push(cols(["config", "wall s", "s2c bytes", "kB/s", "server s", "Xvfb s", "fps", "vs Xspice", "vs TigerVNC"], widths));
    const xspice = rows.find((r) => r.config === "xspice" && !r.error);
    const vncMeasured = rows.find((r) => r.config === "tigervnc" && !r.error);
    const vncRef = TIGERVNC_REFERENCE[workload];
    const vncBytes = vncMeasured?.s2cBytes ?? vncRef?.s2cBytes;
    for (const r of rows) {
      if (r.error && r.runs === 1) {
        lines.push(`${CONFIG_LABELS[r.config].padEnd(widths[0])}failed: ${r.error.split("\n")[0]}`);
        continue;
      }
      const ratio = (ref: number | undefined): string => (r.config !== "saffron" || !ref ? "-" : `${(r.s2cBytes / ref).toFixed(2)}x`);
      lines.push(
        cols(
          [
            CONFIG_LABELS[r.config] + (r.timedOut ? " (timed out)" : ""),
            r.wallS.toFixed(2),
            int(r.s2cBytes),
            (r.s2cBytes / 1000 / r.wallS).toFixed(1),
            r.serverCpuS.toFixed(2),
            r.xvfbCpuS === undefined ? "-" : r.xvfbCpuS.toFixed(2),
            r.fps === undefined ? "-" : r.fps.toFixed(1),
            ratio(xspice?.s2cBytes),
            ratio(vncBytes),
          ],
          widths,
        ),
      );
    }
    if (vncRef) {
      lines.push(
        cols(["TigerVNC (peers.md §6)", vncRef.wallS.toFixed(2), int(vncRef.s2cBytes), (vncRef.s2cBytes / 1000 / vncRef.wallS).toFixed(1), vncRef.serverCpuS.toFixed(2), "-", "-", "-", "-"], widths),
      );
    }
    const saffron = rows.find((r) => r.config === "saffron" && !r.error);
    if (saffron && (workload === "seq" || workload === "yes")) {
      if (xspice) lines.push(`  target: Saffron bytes <= Xspice's: ${mark(saffron.s2cBytes <= xspice.s2cBytes)}`);
      if (vncBytes) lines.push(`  target: Saffron bytes <= ${TARGETS.textVsTigervnc}x TigerVNC's${vncMeasured ? "" : " (peers.md)"}: ${mark(saffron.s2cBytes <= TARGETS.textVsTigervnc * vncBytes)}`);
    }
    if (saffron && workload === "animate") {
      lines.push(`  target: Saffron >= ${TARGETS.animateFps} fps: ${saffron.fps === undefined ? "-" : mark(saffron.fps >= TARGETS.animateFps)}`);
      if (vncBytes) lines.push(`  target: Saffron bytes < TigerVNC's${vncMeasured ? "" : " (peers.md)"}: ${mark(saffron.s2cBytes < vncBytes)}`);
    }
    if (workload !== "idle") {
      for (const r of rows) {
        if (!r.messages?.length) continue;
        lines.push(`  where the bytes go, ${CONFIG_LABELS[r.config]} (server->client, by message, incl. headers):`);
        for (const m of r.messages) {
          lines.push(`    ${m.key.padEnd(30)}${int(m.count).padStart(9)} msgs${int(m.bytes).padStart(13)} B${((100 * m.bytes) / Math.max(1, r.s2cBytes)).toFixed(1).padStart(7)}%`);
        }
      }
    }
    lines.push("");
  }
  lines.push("server s = CPU (utime+stime) of Xorg (Xspice), the node process (Saffron) or Xvnc over the window; Xvfb s = the Xvfb Saffron serves.");
  lines.push("Window = workload start to end + 1 s; bytes = server->client over all channels, through a counting relay; fps = SPICE frames seen (STREAM_DATA + DRAW_COPY bursts in the animation area) / 10 s.");
  lines.push(`Targets: ${pass} PASS, ${miss} MISS`);
  return lines.join("\n") + "\n";
}
