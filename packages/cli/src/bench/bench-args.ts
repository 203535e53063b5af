import { UsageError } from "../errors.js";

export const BENCH_USAGE = `Usage: saffron bench codecs [--json] [--filter RE] [--iterations N] [--spice-html5 DIR]
       saffron bench encoders [--json] [--filter RE] [--iterations N] [--runs N] [--c-reference build|figures]
       saffron bench workloads [--json] [--filter RE] [--runs N]
       saffron bench replay [--json] [--runs N] [--spice-html5 DIR] [--recording FILE]
       saffron bench latency [--json] [--presses N]

codecs     Decodes the reference vectors (packages/codecs/__fixtures__/vectors) with Saffron's QUIC, LZ,
           GLZ and LZ4 decoders, and QUIC and LZ also with spice-html5's decoders (Debian package
           spice-html5, /usr/share/spice-html5), and reports the median megapixels per second.
encoders   Encodes the vectors' original images with Saffron's QUIC, LZ, GLZ (fresh dictionary, and
           the same image again into the warm one) and LZ4 encoders: speed against spice's C encoders
           timed in the same run (built from Debian's spice 0.15.1 sources, fetched once into
           ~/.cache/saffron; needs apt packages gcc libc6-dev pkg-config bzip2 libglib2.0-dev
           libspice-protocol-dev liblz4-dev), against the fixed figures of codec-baselines.md, and
           against a memory copy of the same bytes; size against the C reference streams.
workloads  The scripted X workloads (xterm seq, yes, a 20 fps animation, idle) on Xspice, on an Xvfb
           served by Saffron, and on TigerVNC's Xvnc when installed, each with a fresh server and its
           real client (remote-viewer / xtigervncviewer) behind a byte-counting relay: wall time,
           server->client bytes, server CPU. Needs the Debian peers (xserver-xspice, virt-viewer,
           xvfb, xterm, imagemagick, x11-utils, fonts-dejavu-core) and a built CLI (tsc -b).
replay     Records a display session on Xspice (xterm seq, a picture, a 20 fps animation; auto_lz, MJPEG
           stream, spice-html5's display caps) into a temporary file, then replays it as fast as
           possible over a local WebSocket into headless Chromium, to Saffron's web console and to
           spice-html5: time to first frame (after Connect on a loaded page, and as the page loads)
           and screen updates per second, and their ratios.
           Needs xserver-xspice, imagemagick, xterm, spice-html5, chromium and a built CLI.
latency    Typing-to-pixel latency: a Saffron server in this process whose framebuffer draws a new
           16x16 colour block on every key press, the web console in headless Chromium connected
           over a loopback WebSocket; for each key press, the time from the keydown event to the
           paint that shows the block's new colour (p50/p95/p99; target p95 < 50 ms). Needs chromium.

  --json            one JSON object per line
  --filter RE       only cases whose name matches RE: "codec/image/impl" (codecs), "codec/image"
                    (encoders, e.g. 'glz-repeat/term'), "workload/config" (workloads, e.g. '^seq/')
  --iterations N    timed calls per case (default: enough for about 0.5 s per case, at least 5)
  --runs N          runs per workload and configuration, each on a fresh server (default 1); median shown
                    (replay: rounds of every client and start, default 9, after one warm-up; encoders: passes
                    over every case, one after the other, default 1, the median and the range shown)
  --recording FILE  replay: replay this recording (made by an earlier run) instead of recording
                    a new one on Xspice; when FILE does not exist yet, the new recording is saved there
  --presses N       latency: key presses measured (default 200)
  --c-reference M   encoders: "build" (default) times spice's C encoders in the same run; "figures"
                    compares with codec-baselines.md's figures only (no C toolchain needed)
  --spice-html5 DIR where spice-html5's quic.js and lz.js are (default /usr/share/spice-html5)
`;

export const BENCH_TARGETS = ["codecs", "encoders", "workloads", "replay", "latency"] as const;
export type BenchTarget = (typeof BENCH_TARGETS)[number];

export interface BenchOptions {
  target: BenchTarget;
  json: boolean;
  filter: RegExp | undefined;
  /** Timed iterations per case; undefined means time-based (about 0.5 s per case). */
  iterations: number | undefined;
  spiceHtml5Dir: string;
  /** Runs per workload and configuration (workloads only). */
  runs: number;
  /** replay: a recording file to reuse (or to save a new recording in). */
  recording?: string;
  /** latency: key presses measured. */
  presses?: number;
  /** encoders: time spice's C encoders in the same run ("build"), or use the fixed figures only. */
  cReference?: "build" | "figures";
}

export const DEFAULT_SPICE_HTML5_DIR = "/usr/share/spice-html5";

/** Parses the arguments after `bench`; returns "help" for --help. Throws UsageError. */
export function parseBenchArgs(args: string[]): BenchOptions | "help" {
  const opts: BenchOptions = { target: "codecs", json: false, filter: undefined, iterations: undefined, spiceHtml5Dir: DEFAULT_SPICE_HTML5_DIR, runs: 1 };
  let runsGiven = false;
  let target: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "-h":
      case "--help":
        return "help";
      case "--json":
        if (inline !== undefined) throw new UsageError("--json takes no value");
        opts.json = true;
        break;
      case "--filter": {
        const re = value();
        try {
          opts.filter = new RegExp(re);
        } catch (e) {
          throw new UsageError(`--filter: invalid regular expression ${JSON.stringify(re)}: ${(e as Error).message}`);
        }
        break;
      }
      case "--iterations":
        opts.iterations = positiveInteger(flag, value());
        break;
      case "--runs":
        opts.runs = positiveInteger(flag, value());
        runsGiven = true;
        break;
      case "--spice-html5":
        opts.spiceHtml5Dir = value();
        break;
      case "--recording":
        opts.recording = value();
        break;
      case "--c-reference": {
        const v = value();
        if (v !== "build" && v !== "figures") throw new UsageError(`--c-reference must be build or figures, not ${JSON.stringify(v)}`);
        opts.cReference = v;
        break;
      }
      case "--presses":
        opts.presses = positiveInteger(flag, value());
        break;
      default:
        if (flag.startsWith("-")) throw new UsageError(`unknown option ${flag}\n\n${BENCH_USAGE}`);
        if (target !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(flag)}`);
        target = flag;
    }
  }
  if (target === undefined) throw new UsageError(`missing what to benchmark\n\n${BENCH_USAGE}`);
  if (!(BENCH_TARGETS as readonly string[]).includes(target)) {
    throw new UsageError(`unknown benchmark ${JSON.stringify(target)} (one of ${BENCH_TARGETS.join(", ")})`);
  }
  opts.target = target as BenchTarget;
  if (runsGiven && opts.target !== "workloads" && opts.target !== "replay" && opts.target !== "encoders") {
    throw new UsageError("--runs is for 'bench workloads', 'bench replay' and 'bench encoders' only");
  }
  // A page load's first frame varies by tens of ms on a small VM: a median needs several.
  if (opts.target === "replay" && !runsGiven) opts.runs = 9;
  if (opts.recording !== undefined && opts.target !== "replay") throw new UsageError("--recording is for 'bench replay' only");
  if (opts.cReference !== undefined && opts.target !== "encoders") throw new UsageError("--c-reference is for 'bench encoders' only");
  if (opts.presses !== undefined && opts.target !== "latency") throw new UsageError("--presses is for 'bench latency' only");
  if (opts.target === "latency") opts.presses ??= 200;
  if (opts.iterations !== undefined && opts.target === "workloads") throw new UsageError("--iterations is not for 'bench workloads' (use --runs)");
  return opts;
}

function positiveInteger(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, not ${JSON.stringify(v)}`);
  return n;
}
