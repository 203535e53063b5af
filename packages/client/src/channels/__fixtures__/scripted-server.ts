// An in-memory SPICE server end for one channel, for channel tests: it runs the server link
// machine (ticketing off), then lets the test send raw messages and read what the client sent.
import {
  Caps,
  ExactReader,
  FrameSplitter,
  FrameWriter,
  generateTicketKeyPair,
  serverAccept,
  serverResult,
  serverStart,
  serverStep,
  verifyTicket,
  silentLogger,
  type Frame,
  type LinkOutcome,
  type ServerLinkStep,
} from "@saffron/protocol";
import type { ChannelContext } from "../base/spice-channel.js";
import type { ByteTransport, TransportFactory } from "../../transport/transport.js";

export interface ScriptedServer {
  /** Context to give the channel under test. */
  ctx: ChannelContext;
  /** Resolves once the link is done (the client's link message and caps). */
  linked: Promise<LinkOutcome>;
  /** Sends one message (type, body) to the client. */
  send(type: number, body: Uint8Array): void;
  /** Sends raw bytes (broken framing tests). */
  sendBytes(bytes: Uint8Array): void;
  /** Messages the client sent after the link. */
  received: Frame[];
  /** Closes the server end. */
  close(): void;
}

export function scriptedServer(channelCaps: Caps = new Caps()): ScriptedServer {
  let toClient: ((b: Uint8Array) => void) | undefined;
  let closeClient: ((e?: Error) => void) | undefined;
  const pendingToClient: Uint8Array[] = [];
  const reader = new ExactReader();
  let splitter: FrameSplitter | undefined;
  let writer: FrameWriter | undefined;
  const received: Frame[] = [];
  let resolveLinked!: (l: LinkOutcome) => void;
  let rejectLinked!: (e: Error) => void;
  const linked = new Promise<LinkOutcome>((ok, no) => ((resolveLinked = ok), (rejectLinked = no)));
  linked.catch(() => {});
  const keyPair = generateTicketKeyPair();

  const deliver = (b: Uint8Array) => (toClient ? toClient(b) : pendingToClient.push(b));
  let step: ServerLinkStep = serverStart();
  let busy = Promise.resolve();

  const advance = async (): Promise<void> => {
    for (;;) {
      for (const b of step.send) deliver(b);
      step.send = [];
      const p = step.phase;
      if (p.kind === "ready") {
        splitter = new FrameSplitter({ miniHeader: p.link.miniHeader });
        writer = new FrameWriter({ miniHeader: p.link.miniHeader });
        for (const rest of reader.takeRest()) received.push(...splitter.push(rest));
        resolveLinked(p.link);
        return;
      }
      if (p.kind === "failed") return rejectLinked(p.error);
      if (p.kind === "need-accept") {
        step = serverAccept(p, { publicKey: (await keyPair).publicKeyDer, channelCaps });
        continue;
      }
      if (p.kind === "need-ticket-check") {
        step = serverResult(p, await verifyTicket(await keyPair, p.ticket, null));
        continue;
      }
      const bytes = reader.read(p.need);
      if (!bytes) return;
      step = serverStep(p, bytes);
    }
  };

  const transport: ByteTransport = {
    send(data) {
      const copy = data.slice();
      if (splitter) received.push(...splitter.push(copy));
      else {
        reader.push(copy);
        busy = busy.then(advance);
      }
      return true;
    },
    onData(l) {
      toClient = l;
      for (const b of pendingToClient.splice(0)) queueMicrotask(() => l(b));
    },
    onClose(l) {
      closeClient = l;
    },
    close() {
      queueMicrotask(() => closeClient?.());
    },
  };
  const transports: TransportFactory = async () => transport;
  return {
    ctx: { transports, password: "", connectionId: 1, log: silentLogger, linkTimeoutMs: 5000 },
    linked,
    send(type, body) {
      if (!writer) throw new Error("scripted server: not linked yet");
      deliver(writer.frame(type, body));
    },
    sendBytes: deliver,
    received,
    close: () => closeClient?.(),
  };
}
