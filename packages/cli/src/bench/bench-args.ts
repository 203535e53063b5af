import { UsageError } from "../errors.js";

export const BENCH_USAGE = `Usage: saffron bench codecs [--json] [--filter RE] [--iterations N]

Decodes the reference vectors (packages/codecs/__fixtures__/vectors) with Saffron's QUIC, LZ,
GLZ and LZ4 decoders, and QUIC and LZ also with spice-html5's decoders (Debian package
spice-html5, /usr/share/spice-html5), and reports the median megapixels per second.

  --json            one JSON object per line: {"codec","image","impl","mpps"}
  --filter RE       only cases whose "codec/image/impl" matches RE (e.g. '^quic/', 'term|ui', '/saffron$')
  --iterations N    timed decodes per case (default: enough for about 0.5 s per case, at least 5)
  --spice-html5 DIR where spice-html5's quic.js and lz.js are (default /usr/share/spice-html5)
`;

export interface BenchOptions {
  json: boolean;
  filter: RegExp | undefined;
  /** Timed iterations per case; undefined means time-based (about 0.5 s per case). */
  iterations: number | undefined;
  spiceHtml5Dir: string;
}

export const DEFAULT_SPICE_HTML5_DIR = "/usr/share/spice-html5";

/** Parses the arguments after `bench`; returns "help" for --help. Throws UsageError. */
export function parseBenchArgs(args: string[]): BenchOptions | "help" {
  const opts: BenchOptions = { json: false, filter: undefined, iterations: undefined, spiceHtml5Dir: DEFAULT_SPICE_HTML5_DIR };
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
      case "--iterations": {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--iterations must be a positive integer, not ${JSON.stringify(v)}`);
        opts.iterations = n;
        break;
      }
      case "--spice-html5":
        opts.spiceHtml5Dir = value();
        break;
      default:
        if (flag.startsWith("-")) throw new UsageError(`unknown option ${flag}\n\n${BENCH_USAGE}`);
        if (target !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(flag)}`);
        target = flag;
    }
  }
  if (target === undefined) throw new UsageError(`missing what to benchmark\n\n${BENCH_USAGE}`);
  if (target !== "codecs") throw new UsageError(`unknown benchmark ${JSON.stringify(target)} (only 'codecs')`);
  return opts;
}
