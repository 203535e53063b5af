import { BENCH_USAGE, parseBenchArgs } from "../bench/bench-args.js";
import { runBench } from "../bench/run-bench.js";

/**
 * `saffron bench codecs [--json] [--filter RE] [--iterations N]`
 * `saffron bench encoders [--json] [--filter RE] [--iterations N]`
 * `saffron bench workloads [--json] [--filter RE] [--runs N]`
 * `saffron bench replay [--json] [--runs N] [--spice-html5 DIR] [--recording FILE]`
 * `saffron bench latency [--json] [--presses N]`
 */
export async function benchCommand(args: string[]): Promise<number> {
  const opts = parseBenchArgs(args);
  if (opts === "help") {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  const io = { write: (s: string) => void process.stdout.write(s), log: (s: string) => void process.stderr.write(s) };
  switch (opts.target) {
    case "codecs":
      await runBench(opts, io);
      return 0;
    case "encoders":
      await (await import("../bench/run-encoder-bench.js")).runEncoderBench(opts, io);
      return 0;
    case "replay":
      await (await import("../bench/run-replay-bench.js")).runReplayBench(opts, { ...io, log: (s) => void process.stderr.write(s) });
      return 0;
    case "latency": {
      const r = await (await import("../bench/run-latency-bench.js")).runLatencyBench(opts, { ...io, log: (s: string) => void process.stderr.write(s) });
      return r.p95 < r.targetP95 ? 0 : 1;
    }
    case "workloads": {
      const results = await (await import("../bench/run-workload-bench.js")).runWorkloadBench(opts, { ...io, log: (s) => void process.stderr.write(s) });
      return results.some((r) => r.error) ? 1 : 0;
    }
  }
}
