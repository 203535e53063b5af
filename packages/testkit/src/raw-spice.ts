import { connect, type Socket } from "node:net";
import {
  Caps,
  ChannelType,
  ExactReader,
  FrameSplitter,
  FrameWriter,
  clientStart,
  clientStep,
  clientTicket,
  encryptTicket,
  main as mainMsgs,
  type ClientLinkPhase,
  type Frame,
  type LinkOutcome,
} from "@saffron/protocol";
import { TestkitError } from "./errors.js";
import { withTimeout } from "./with-timeout.js";

export interface RawLinkOptions {
  host?: string;
  port: number;
  channelType: number;
  channelId?: number;
  /** 0 for a new session's main channel, else the session id from MAIN_INIT. */
  connectionId?: number;
  /** The ticket (any bytes are sent when omitted: fine with ticketing disabled). */
  password?: string;
  channelCaps?: Caps;
  commonCaps?: Caps;
  timeoutMs?: number;
}

/**
 * One raw SPICE channel after a completed link, for tests that misbehave on purpose
 * (hostile clients, stalled readers). The socket is paused: nothing is read from it
 * unless the caller calls `readFrames` or resumes it.
 */
export interface RawChannel {
  socket: Socket;
  link: LinkOutcome;
  /** Writes data-stage messages with the negotiated header. */
  writer: FrameWriter;
  /** Sends one message (type + body). */
  send(type: number, body?: Uint8Array): void;
  /** Reads and splits messages until `until` returns true for one (or times out); returns all read. */
  readFrames(until: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame[]>;
  /** Resolves when the server has closed the connection (or it failed). */
  closed: Promise<void>;
  isClosed(): boolean;
  destroy(): void;
}

/** Connects and completes the SPICE link stage for one channel (spice ticket auth). */
export async function rawLink(options: RawLinkOptions): Promise<RawChannel> {
  const socket = connect({ host: options.host ?? "127.0.0.1", port: options.port });
  socket.setNoDelay(true);
  let closedFlag = false;
  const closed = new Promise<void>((resolve) => socket.once("close", () => ((closedFlag = true), resolve())));
  socket.on("error", () => {});
  const reader = new ExactReader();
  const link = await withTimeout(
    new Promise<LinkOutcome>((resolve, reject) => {
      let step = clientStart({
        channelType: options.channelType,
        channelId: options.channelId,
        connectionId: options.connectionId,
        channelCaps: options.channelCaps,
        commonCaps: options.commonCaps,
      });
      let busy = false;
      const pump = async (): Promise<void> => {
        if (busy) return;
        busy = true;
        try {
          for (;;) {
            for (const b of step.send) socket.write(b);
            step = { ...step, send: [] };
            const phase: ClientLinkPhase = step.phase;
            if (phase.kind === "ready") {
              socket.off("data", onData);
              socket.pause();
              return resolve(phase.link);
            }
            if (phase.kind === "failed") return reject(phase.error);
            if (phase.kind === "need-ticket") {
              const ticket = await encryptTicket(phase.publicKey, options.password ?? "");
              step = clientTicket(phase, ticket);
              continue;
            }
            const bytes = reader.read(phase.need);
            if (!bytes) return;
            step = clientStep(phase, bytes);
          }
        } catch (e) {
          reject(e);
        } finally {
          busy = false;
        }
      };
      const onData = (b: Buffer): void => {
        reader.push(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
        void pump();
      };
      socket.on("data", onData);
      socket.once("connect", () => void pump());
      socket.once("close", () => reject(new TestkitError("ERR_PEER_EXIT", "server closed the connection during the link")));
    }),
    options.timeoutMs ?? 10_000,
    "raw SPICE link",
    () => socket.destroy(),
  );
  const writer = new FrameWriter({ miniHeader: link.miniHeader });
  const splitter = new FrameSplitter({ miniHeader: link.miniHeader });
  const pending: Frame[] = [];
  for (const c of reader.takeRest()) pending.push(...splitter.push(c));
  return {
    socket,
    link,
    writer,
    send: (type, body = new Uint8Array(0)) => void socket.write(writer.frame(type, body)),
    readFrames: (until, timeoutMs = 10_000) =>
      withTimeout(
        new Promise<Frame[]>((resolve, reject) => {
          const got: Frame[] = [];
          const take = (frames: Frame[]): boolean => {
            for (const f of frames) {
              got.push(f);
              if (until(f)) return true;
            }
            return false;
          };
          const finish = (): void => {
            socket.off("data", onData);
            socket.off("close", onClose);
            socket.pause();
            resolve(got);
          };
          const onData = (b: Buffer): void => {
            try {
              if (take(splitter.push(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)))) finish();
            } catch (e) {
              reject(e);
            }
          };
          const onClose = (): void => reject(new TestkitError("ERR_PEER_EXIT", "server closed the channel"));
          if (take(pending.splice(0))) return resolve(got);
          socket.on("data", onData);
          socket.once("close", onClose);
          socket.resume();
        }),
        timeoutMs,
        "raw SPICE frames",
      ),
    closed,
    isClosed: () => closedFlag,
    destroy: () => socket.destroy(),
  };
}

/** Links a main channel and reads up to MAIN_INIT; returns the channel and the session id. */
export async function rawMainChannel(options: Omit<RawLinkOptions, "channelType">): Promise<{ channel: RawChannel; sessionId: number }> {
  const channel = await rawLink({ ...options, channelType: ChannelType.Main });
  const frames = await channel.readFrames((f) => f.type === mainMsgs.MainServerMsg.Init);
  const init = mainMsgs.mainServer.decode(frames[frames.length - 1]!.type, frames[frames.length - 1]!.body);
  return { channel, sessionId: (init.body as { sessionId: number }).sessionId };
}
