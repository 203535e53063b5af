import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { ChannelType, main as mainMsgs } from "@saffron/protocol";
import { TestkitError } from "./errors.js";
import { canConnect } from "./free-port.js";
import { makeTempDir, removeTempDir, spawnTracked, tailFile, type TrackedProcess } from "./processes.js";
import { rawLink } from "./raw-spice.js";
import { sleep } from "./with-timeout.js";
import { startXspice, type XspiceOptions, type XspiceServer } from "./xspice.js";

export interface XspiceAgentOptions extends XspiceOptions {
  /** Directory where spice-vdagent saves transferred files (default: `<agentDir>/files`). */
  fileXferDir?: string;
  /** Pass -d to both daemons (their logs are in `agentDir`). */
  debug?: boolean;
}

export interface XspiceWithAgent extends XspiceServer {
  /** Holds the virtio/uinput FIFOs, the vdagentd socket, and the two daemons' logs. */
  agentDir: string;
  /** Where spice-vdagent saves files sent to it (FILE_XFER). */
  fileXferDir: string;
  vdagentd: TrackedProcess;
  vdagent: TrackedProcess;
  /** spice-vdagentd and spice-vdagent output (stdout + stderr). */
  vdagentdLog: string;
  vdagentLog: string;
}

/**
 * Starts Xspice with the spice-vdagent pair wired to it (peers.md "vdagent with Xspice"):
 * Xorg gets XSPICE_VDAGENT_* so the driver opens a virtio-serial FIFO and a fake uinput,
 * spice-vdagentd serves them, and spice-vdagent (the X session part: clipboard, RandR
 * resize, file transfer) talks to the daemon. Resolves once a SPICE client that links now
 * sees the agent (MAIN_INIT agent_connected = 1).
 */
export async function startXspiceWithAgent(options: XspiceAgentOptions = {}): Promise<XspiceWithAgent> {
  const agentDir = makeTempDir("vdagent");
  const virtio = join(agentDir, "virtio");
  const uinput = join(agentDir, "uinput");
  const socket = join(agentDir, "udcs");
  const fileXferDir = options.fileXferDir ?? join(agentDir, "files");
  mkdirSync(fileXferDir, { recursive: true });
  const xspice = await startXspice({
    ...options,
    env: {
      XSPICE_VDAGENT_ENABLED: "1",
      XSPICE_VDAGENT_VIRTIO_PATH: virtio,
      XSPICE_VDAGENT_UINPUT_PATH: uinput,
      XSPICE_VDAGENT_UID: String(process.getuid?.() ?? 0),
      XSPICE_VDAGENT_GID: String(process.getgid?.() ?? 0),
      ...options.env,
    },
  });
  const debug = options.debug ? ["-d"] : [];
  const vdagentdLog = join(agentDir, "vdagentd.log");
  const vdagentLog = join(agentDir, "vdagent.log");
  const started: TrackedProcess[] = [];
  const spawnLogged = (cmd: string, args: string[], log: string, env?: NodeJS.ProcessEnv): TrackedProcess => {
    const fd = openSync(log, "w");
    try {
      const p = spawnTracked(cmd, args, { env, stdio: ["ignore", fd, fd] });
      started.push(p);
      return p;
    } finally {
      closeSync(fd);
    }
  };
  const stopAll = async (): Promise<void> => {
    for (const p of [...started].reverse()) await p.stop(2000);
  };
  const failure = (why: string): TestkitError =>
    new TestkitError("ERR_PEER_START", `vdagent on ${xspice.display}: ${why}`, {
      details: `--- vdagentd ---\n${tailFile(vdagentdLog, 15)}\n--- vdagent ---\n${tailFile(vdagentLog, 15)}`,
    });
  try {
    // -f: uinput is a FIFO, not a device (no ioctls); -X: no logind/ConsoleKit on this machine.
    const vdagentd = spawnLogged("spice-vdagentd", ["-x", "-f", "-X", ...debug, "-S", socket, "-s", virtio, "-u", uinput], vdagentdLog);
    // The daemon must be listening on its socket before the session agent starts.
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    while (!(await canConnect(socket))) {
      if (vdagentd.exitInfo) throw failure("spice-vdagentd exited");
      if (Date.now() > deadline) throw failure("spice-vdagentd socket not ready");
      await sleep(50);
    }
    const vdagent = spawnLogged(
      "spice-vdagent",
      ["-x", ...debug, "-s", virtio, "-S", socket, "-f", fileXferDir, "-o", "0", "--display", xspice.display],
      vdagentLog,
      { ...process.env, DISPLAY: xspice.display },
    );
    for (;;) {
      if (vdagentd.exitInfo) throw failure("spice-vdagentd exited");
      if (vdagent.exitInfo) throw failure("spice-vdagent exited");
      if (await agentConnected(xspice.port, options.password)) break;
      if (Date.now() > deadline) throw failure("a client does not see the agent (MAIN_INIT agent_connected = 0)");
      await sleep(200);
    }
    const stop = async (): Promise<void> => {
      await stopAll();
      await xspice.stop();
      removeTempDir(agentDir);
    };
    return { ...xspice, stop, agentDir, fileXferDir, vdagentd, vdagent, vdagentdLog, vdagentLog };
  } catch (err) {
    await stopAll();
    await xspice.stop();
    removeTempDir(agentDir);
    throw err;
  }
}

/** Links a throw-away main channel and reads MAIN_INIT's agent_connected. */
async function agentConnected(port: number, password?: string): Promise<boolean> {
  let channel;
  try {
    channel = await rawLink({ port, password, channelType: ChannelType.Main, timeoutMs: 3000 });
    const frames = await channel.readFrames((f) => f.type === mainMsgs.MainServerMsg.Init, 3000);
    const last = frames[frames.length - 1]!;
    const init = mainMsgs.mainServer.decode(last.type, last.body);
    return init.name === "Init" && init.body.agentConnected !== 0;
  } catch {
    return false;
  } finally {
    if (channel) {
      channel.destroy();
      await channel.closed;
    }
  }
}
