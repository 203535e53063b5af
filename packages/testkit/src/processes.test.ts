import { describe, expect, it } from "vitest";
import { TestkitError } from "./errors.js";
import { canConnect, freePort } from "./free-port.js";
import { isAlive, runCommand, spawnTracked, stopAllPeers } from "./processes.js";
import { waitFor, withTimeout } from "./with-timeout.js";

describe("processes", () => {
  it("stop() kills the whole process group and reaps it", async () => {
    const p = spawnTracked("sh", ["-c", "sleep 100 & echo $!; wait"]);
    let out = "";
    p.child.stdout?.setEncoding("utf8").on("data", (s: string) => (out += s));
    const grandchild = await waitFor(() => (out.includes("\n") ? Number(out.trim()) : undefined), { label: "grandchild pid" });
    expect(isAlive(p.pid)).toBe(true);
    await p.stop(1000);
    expect(p.exitInfo).toBeDefined();
    expect(isAlive(p.pid)).toBe(false);
    await waitFor(() => !isAlive(grandchild), { label: "grandchild gone" });
  });

  it("runCommand reports exit codes, stderr and timeouts as TestkitErrors", async () => {
    expect((await runCommand("sh", ["-c", "echo hi"])).stdout).toBe("hi\n");
    const failed = await runCommand("sh", ["-c", "echo oops >&2; exit 3"]).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "ERR_PEER_EXIT", exitCode: 3 });
    expect((failed as Error).message).toContain("oops");
    const slow = await runCommand("sleep", ["10"], { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(slow).toMatchObject({ code: "ERR_PEER_TIMEOUT" });
    expect(() => spawnTracked("/nonexistent/saffron-tool", [])).toThrow(TestkitError);
    await stopAllPeers();
  });

  it("freePort gives a bindable port; canConnect sees nothing there", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await canConnect(port)).toBe(false);
  });

  it("withTimeout rejects late promises and calls onTimeout", async () => {
    let called = false;
    const err = await withTimeout(new Promise(() => {}), 20, "never", () => (called = true)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "ERR_PEER_TIMEOUT" });
    expect(called).toBe(true);
    expect(await withTimeout(Promise.resolve(7), 1000)).toBe(7);
  });
});
