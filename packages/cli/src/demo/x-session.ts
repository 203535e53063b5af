import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";

export interface XSession {
  /** ":N" */
  display: string;
  /** Stops the X clients and Xvfb (SIGTERM, SIGKILL after 2 s) and waits for them. */
  stop(): Promise<void>;
}

export interface XSessionOptions {
  width?: number;
  height?: number;
  /** First display number tried (default 40). */
  firstDisplay?: number;
  onLog?(line: string): void;
}

/** Whether a program is on the PATH. */
export function hasProgram(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

function displayInUse(n: number): boolean {
  return existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`);
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig); // its process group (xterm's shell too)
    } catch {
      child.kill(sig);
    }
  };
  kill("SIGTERM");
  const timer = setTimeout(() => kill("SIGKILL"), 2000);
  await waitExit(child);
  clearTimeout(timer);
}

/**
 * Starts a window-manager-less desktop: `Xvfb :N -screen 0 WxHx24 -nolisten tcp` on the first
 * free display from `firstDisplay`, a solid background when xsetroot is installed, and an xterm.
 */
export async function startXSession(options: XSessionOptions = {}): Promise<XSession> {
  const width = options.width ?? 1280;
  const height = options.height ?? 800;
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    for (const c of children.slice().reverse()) await stopChild(c);
  };
  for (let n = options.firstDisplay ?? 40, tries = 0; tries < 20; n++, tries++) {
    if (displayInUse(n)) continue;
    const display = `:${n}`;
    // -displayfd: Xvfb writes the display number to fd 3 once it accepts clients.
    const xvfb = spawn("Xvfb", [display, "-screen", "0", `${width}x${height}x24`, "-nolisten", "tcp", "-noreset", "-displayfd", "3"], {
      stdio: ["ignore", "ignore", "pipe", "pipe"],
      detached: true,
    });
    let stderr = "";
    xvfb.stderr!.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
    const up = await new Promise<boolean>((resolve) => {
      let ready = "";
      const timer = setTimeout(() => done(false), 10_000);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      (xvfb.stdio[3] as NodeJS.ReadableStream).on("data", (b: Buffer) => {
        ready += b.toString();
        if (ready.includes("\n")) done(ready.trim() === String(n));
      });
      xvfb.once("exit", () => done(false));
      xvfb.once("error", () => done(false));
    });
    if (!up) {
      await stopChild(xvfb);
      options.onLog?.(`Xvfb ${display} did not start: ${stderr.trim().split("\n").pop() ?? ""}`);
      continue;
    }
    children.push(xvfb);
    const env = { ...process.env, DISPLAY: display };
    if (hasProgram("xsetroot")) spawnSync("xsetroot", ["-solid", "#2e5a78"], { env, stdio: "ignore", timeout: 5000 });
    if (hasProgram("xterm")) {
      const xterm = spawn(
        "xterm",
        ["-fa", "DejaVuSansMono", "-fs", "12", "-geometry", "100x30+60+60", "-title", "Saffron demo", "-bg", "#101418", "-fg", "#e6e6e6"],
        { env, stdio: "ignore", detached: true },
      );
      xterm.on("error", () => {});
      children.push(xterm);
    }
    return { display, stop: stopAll };
  }
  throw new Error("could not start Xvfb on any display");
}
