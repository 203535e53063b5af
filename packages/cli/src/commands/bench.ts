import { BENCH_USAGE, parseBenchArgs } from "../bench/bench-args.js";
import { runBench } from "../bench/run-bench.js";

/** `saffron bench codecs [--json] [--filter RE] [--iterations N]` */
export async function benchCommand(args: string[]): Promise<number> {
  const opts = parseBenchArgs(args);
  if (opts === "help") {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  await runBench(opts, { write: (s) => process.stdout.write(s) });
  return 0;
}
