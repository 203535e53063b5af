import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { DEFAULT_SPICE_HTML5_DIR, parseBenchArgs } from "./bench-args.js";

describe("parseBenchArgs", () => {
  it("defaults", () => {
    expect(parseBenchArgs(["codecs"])).toEqual({ target: "codecs", json: false, filter: undefined, iterations: undefined, spiceHtml5Dir: DEFAULT_SPICE_HTML5_DIR, runs: 1 });
  });

  it("reads the encoders and workloads targets", () => {
    expect(parseBenchArgs(["encoders", "--json", "--iterations", "3"])).toMatchObject({ target: "encoders", json: true, iterations: 3 });
    expect(parseBenchArgs(["workloads", "--runs=3", "--filter", "^seq/"])).toMatchObject({ target: "workloads", runs: 3, filter: /^seq\// });
    expect(parseBenchArgs(["workloads"])).toMatchObject({ target: "workloads", runs: 1 });
    expect(parseBenchArgs(["encoders", "--runs", "3"])).toMatchObject({ target: "encoders", runs: 3 });
  });

  it("reads every option, in either --opt value or --opt=value form", () => {
    const o = parseBenchArgs(["--json", "codecs", "--filter", "^quic/", "--iterations=7", "--spice-html5", "/x"]);
    expect(o).toMatchObject({ json: true, iterations: 7, spiceHtml5Dir: "/x" });
    const re = o !== "help" ? o.filter : undefined;
    expect(re?.test("quic/term_1280x800/saffron")).toBe(true);
    expect(re?.test("lz/quic/saffron")).toBe(false);
    expect(parseBenchArgs(["codecs", "--filter=term|ui"])).toMatchObject({ filter: /term|ui/ });
  });

  it("reads the replay and latency options", () => {
    expect(parseBenchArgs(["replay", "--recording", "/tmp/r.rec"])).toMatchObject({ target: "replay", runs: 9, recording: "/tmp/r.rec" });
    expect(parseBenchArgs(["latency"])).toMatchObject({ target: "latency", presses: 200 });
    expect(parseBenchArgs(["latency", "--presses=50", "--json"])).toMatchObject({ target: "latency", presses: 50, json: true });
    expect(() => parseBenchArgs(["codecs", "--recording", "x"])).toThrow(UsageError);
    expect(() => parseBenchArgs(["replay", "--presses", "5"])).toThrow(UsageError);
    expect(() => parseBenchArgs(["latency", "--presses", "0"])).toThrow(UsageError);
  });

  it("reads how bench encoders gets its C reference", () => {
    expect(parseBenchArgs(["encoders"]).cReference).toBeUndefined(); // built and timed in the run
    expect(parseBenchArgs(["encoders", "--c-reference", "figures"])).toMatchObject({ cReference: "figures" });
    expect(parseBenchArgs(["encoders", "--c-reference=build"])).toMatchObject({ cReference: "build" });
    expect(() => parseBenchArgs(["encoders", "--c-reference", "fast"])).toThrow(/build or figures/);
    expect(() => parseBenchArgs(["codecs", "--c-reference", "figures"])).toThrow(/only/);
  });

  it("answers help", () => {
    expect(parseBenchArgs(["--help"])).toBe("help");
    expect(parseBenchArgs(["codecs", "-h"])).toBe("help");
  });

  it.each([
    [[]],
    [["jpeg"]],
    [["codecs", "extra"]],
    [["codecs", "--iterations"]],
    [["codecs", "--iterations", "0"]],
    [["codecs", "--iterations", "2.5"]],
    [["codecs", "--iterations", "-3"]],
    [["codecs", "--filter", "("]],
    [["codecs", "--json=1"]],
    [["codecs", "--fast"]],
    [["codecs", "--runs", "2"]],
    [["workloads", "--runs", "0"]],
    [["workloads", "--runs"]],
    [["workloads", "--iterations", "2"]],
  ])("rejects %j with a UsageError", (args) => {
    expect(() => parseBenchArgs(args)).toThrow(UsageError);
  });
});
