import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  canConnect,
  freePort,
  isAlive,
  setRootColor,
  sleep,
  spawnTracked,
  startXspice,
  startXvfb,
  startXvnc,
  tail,
  TestkitError,
} from "@saffron/testkit";

/** The servers compared: Xspice (spice-server in Xorg), Saffron serving an Xvfb, TigerVNC's Xvnc. */
export const CONFIGS = ["xspice", "saffron", "tigervnc"] as const;
export type ServerConfig = (typeof CONFIGS)[number];

export const CONFIG_LABELS: Record<ServerConfig, string> = {
  xspice: "Xspice (auto_glz)",
  saffron: "Saffron + Xvfb",
  tigervnc: "TigerVNC Xvnc",
};

/** Desktop of every server (peers.md §6): 1024x768x24, solid #404040 root, no window manager. */
export const DESKTOP = { width: 1024, height: 768, root: "#404040" } as const;

/** A running server under test. */
export interface BenchServer {
  config: ServerConfig;
  /** The X display the workload runs on. */
  display: string;
  /** Its SPICE or VNC port on 127.0.0.1. */
  port: number;
  /** The process whose CPU is the server's: Xorg (Xspice), node (Saffron), Xvnc. */
  serverPid: number;
  /** Saffron only: the Xvfb it serves, whose CPU is reported separately. */
  xvfbPid?: number;
  /** Fails when the server died. */
  assertRunning(): void;
  stop(): Promise<void>;
}

/** Whether an executable is on PATH (or is an existing absolute path). */
export function onPath(command: string): boolean {
  const candidates = command.includes("/") ? [command] : (process.env.PATH ?? "").split(delimiter).map((d) => join(d, command));
  return candidates.some((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Programs each configuration needs (server side and client side). */
export const REQUIRED: Record<ServerConfig, string[]> = {
  xspice: ["/usr/lib/xorg/Xorg", "remote-viewer", "Xvfb"],
  saffron: ["Xvfb", "remote-viewer"],
  tigervnc: ["Xvnc", "xtigervncviewer", "Xvfb"],
};

export const missingPrograms = (config: ServerConfig): string[] => REQUIRED[config].filter((p) => !onPath(p));

/** The built CLI entry (dist/bin.js), from this file in dist/ or src/. */
export function saffronBin(): string {
  const here = fileURLToPath(new URL("../bin.js", import.meta.url));
  const bin = here.includes(`${join("src", "bin.js")}`) ? fileURLToPath(new URL("../../dist/bin.js", import.meta.url)) : here;
  if (!existsSync(bin)) throw new Error(`the Saffron CLI is not built (${bin} missing): run 'npx tsc -b' first`);
  return bin;
}

export async function startServer(config: ServerConfig): Promise<BenchServer> {
  switch (config) {
    case "xspice": {
      const x = await startXspice({});
      await setRootColor(x.display, DESKTOP.root);
      return {
        config,
        display: x.display,
        port: x.port,
        serverPid: x.pid,
        assertRunning: () => {
          if (x.process.exitInfo) throw new Error(`Xspice exited during the run (see ${x.stderrLog})`);
        },
        stop: () => x.stop(),
      };
    }
    case "saffron": {
      const xvfb = await startXvfb({ screen: `${DESKTOP.width}x${DESKTOP.height}x24` });
      const port = await freePort();
      let out = "";
      let proc;
      try {
        proc = spawnTracked(process.execPath, [saffronBin(), "serve", "--x11", xvfb.display, "--port", String(port), "--disable-ticketing"]);
      } catch (e) {
        await xvfb.stop();
        throw e;
      }
      const child = proc;
      child.child.stdout?.setEncoding("utf8").on("data", (s: string) => (out = (out + s).slice(-8000)));
      child.child.stderr?.setEncoding("utf8").on("data", (s: string) => (out = (out + s).slice(-8000)));
      const stop = async (): Promise<void> => {
        await child.stop(3000);
        await xvfb.stop();
      };
      const deadline = Date.now() + 20_000;
      while (!(await canConnect(port))) {
        if (child.exitInfo || !isAlive(child.pid) || Date.now() > deadline) {
          await stop();
          throw new TestkitError("ERR_PEER_START", "saffron serve did not start", { details: tail(out) });
        }
        await sleep(50);
      }
      // Saffron is an X client now, so Xvfb does not reset when xsetroot disconnects.
      await setRootColor(xvfb.display, DESKTOP.root);
      return {
        config,
        display: xvfb.display,
        port,
        serverPid: child.pid,
        xvfbPid: xvfb.process.pid,
        assertRunning: () => {
          if (child.exitInfo) throw new TestkitError("ERR_PEER_EXIT", "saffron serve exited during the run", { details: tail(out) });
        },
        stop,
      };
    }
    case "tigervnc": {
      const v = await startXvnc({ geometry: `${DESKTOP.width}x${DESKTOP.height}` });
      await setRootColor(v.display, DESKTOP.root);
      return {
        config,
        display: v.display,
        port: v.port,
        serverPid: v.pid,
        assertRunning: () => {
          if (v.process.exitInfo) throw new Error("Xvnc exited during the run");
        },
        stop: () => v.stop(),
      };
    }
  }
}
