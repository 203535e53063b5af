import {
  Caps,
  ClientAckWindow,
  ExactReader,
  FrameSplitter,
  FrameWriter,
  SpiceError,
  clientStart,
  clientStep,
  clientTicket,
  encryptTicket,
  isSpiceError,
  LinkErr,
  channelTypeName,
  type ClientLinkPhase,
  type DecodedMessage,
  type Frame,
  type LinkOutcome,
  type MessageDefs,
  type MessageSet,
} from "@saffron/protocol";
import type { ByteTransport, TransportFactory } from "../../transport/transport.js";
import { Emitter } from "@saffron/protocol";
import type { Logger } from "@saffron/protocol";


/** What a channel needs from its session. */
export interface ChannelContext {
  transports: TransportFactory;
  /** TLS transports, used for channels the server wants secured (link error NEED_SECURED). */
  secureTransports?: TransportFactory;
  password: string;
  /** MAIN_INIT's session_id (0 for the main channel itself). */
  connectionId: number;
  log: Logger;
  /** Largest accepted message body. */
  maxMessageSize?: number;
  /** Link timeout (ms). */
  linkTimeoutMs?: number;
}

export interface ChannelEvents {
  /** The link succeeded; the data stage starts. */
  ready: (link: LinkOutcome) => void;
  /** The channel closed; `error` says why when it was not a local close. */
  closed: (error?: SpiceError) => void;
  /** A message was handled (after its handler ran). */
  message: (type: number, serial: number) => void;
  [event: string]: (...args: any[]) => void;
}

type Handler<B> = (body: B, frame: Frame) => void | Promise<void>;
export type HandlerTable<M extends MessageDefs> = {
  [K in keyof M & string]?: Handler<Extract<DecodedMessage<M>, { name: K }>["body"]>;
};

/**
 * One SPICE channel connection: link stage, framing, ACK window, PING/PONG and the other
 * BaseChannel messages; subclasses add a handler table for their own messages. Messages are
 * handled strictly in order; a handler may return a promise (e.g. to honour
 * WAIT_FOR_CHANNELS) and later messages wait for it.
 */
export abstract class SpiceChannel<S extends MessageDefs, C extends MessageDefs, E extends ChannelEvents = ChannelEvents> extends Emitter<E> {
  abstract readonly type: number;
  readonly id: number;
  protected readonly ctx: ChannelContext;
  protected abstract readonly server: MessageSet<S>;
  protected abstract readonly client: MessageSet<C>;
  protected abstract readonly handlers: HandlerTable<S>;

  link?: LinkOutcome;
  /** Serial of the last message fully handled (WAIT_FOR_CHANNELS refers to these). */
  handledSerial = 0;
  /** Message types received that this channel does not know or handle: type -> count. */
  readonly unhandled = new Map<number, number>();
  bytesReceived = 0;
  bytesSent = 0;

  private transport?: ByteTransport;
  private splitter?: FrameSplitter;
  private writer?: FrameWriter;
  private readonly ack = new ClientAckWindow();
  private readonly backlog: Frame[] = [];
  /** Bytes written in this task, sent together at its end (see write()). */
  private outbox: Uint8Array[] = [];
  private busy = false;
  private closedFlag = false;
  private serialWaiters: { serial: number; resolve: () => void }[] = [];

  constructor(ctx: ChannelContext, id = 0) {
    super();
    this.ctx = ctx;
    this.id = id;
  }

  get name(): string {
    return `${channelTypeName(this.type)}:${this.id}`;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Channel capability bits this client advertises. */
  protected channelCaps(): Caps {
    return new Caps();
  }

  /** Called once the link is ready, before any data-stage message is handled. */
  protected onReady(): void {}

  /** Opens the transport and runs the link stage; resolves when the data stage starts. */
  async connect(): Promise<LinkOutcome> {
    try {
      return await this.linkOver(this.ctx.transports);
    } catch (e) {
      // spice-gtk's behaviour: a channel the server wants on TLS is re-linked on the TLS port.
      if (isSpiceError(e) && e.linkError === LinkErr.NeedSecured && this.ctx.secureTransports) {
        this.closedFlag = false;
        this.ctx.log.info(this.name, "the server requires TLS for this channel; reconnecting on the TLS port");
        return this.linkOver(this.ctx.secureTransports);
      }
      throw e;
    }
  }

  private async linkOver(transports: TransportFactory): Promise<LinkOutcome> {
    const transport = await transports({ channelType: this.type, channelId: this.id });
    this.transport = transport;
    const reader = new ExactReader();
    let phase: ClientLinkPhase;
    let wake: (() => void) | undefined;
    let linkDone = false;
    let failure: SpiceError | undefined;

    transport.onData((chunk) => {
      this.bytesReceived += chunk.length;
      if (!linkDone) {
        reader.push(chunk);
        wake?.();
        return;
      }
      this.receive(chunk);
    });
    transport.onClose((error) => {
      if (this.transport !== transport) return; // an abandoned attempt (re-linked over TLS)
      if (!linkDone) {
        failure ??= new SpiceError("ERR_SPICE_CLOSED", `${this.name}: the server closed the connection during the link`, { cause: error });
        wake?.();
      } else {
        this.shutdown(
          this.closedFlag ? undefined : new SpiceError("ERR_SPICE_CLOSED", `${this.name}: connection closed by the server`, { cause: error }),
        );
      }
    });

    const timeoutMs = this.ctx.linkTimeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      failure ??= new SpiceError("ERR_SPICE_TIMEOUT", `${this.name}: no link reply within ${timeoutMs} ms`);
      wake?.();
    }, timeoutMs);

    const need = async (n: number): Promise<Uint8Array> => {
      for (;;) {
        // Bytes that arrived before a close still count (an error reply, then FIN).
        const bytes = reader.read(n);
        if (bytes) return bytes;
        if (failure) throw failure;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    };

    try {
      let step = clientStart({ channelType: this.type, channelId: this.id, connectionId: this.ctx.connectionId, channelCaps: this.channelCaps() });
      for (;;) {
        for (const b of step.send) this.write(b);
        phase = step.phase;
        if (phase.kind === "ready") break;
        if (phase.kind === "failed") throw phase.error;
        if (phase.kind === "need-ticket") {
          const ticket = await encryptTicket(phase.publicKey, this.ctx.password);
          step = clientTicket(phase, ticket);
          continue;
        }
        step = clientStep(phase, await need(phase.need));
      }
    } catch (e) {
      clearTimeout(timer);
      linkDone = true;
      this.closedFlag = true;
      this.transport = undefined;
      transport.close();
      throw e;
    }
    clearTimeout(timer);
    const link = phase.link;
    this.link = link;
    this.splitter = new FrameSplitter({ miniHeader: link.miniHeader, maxMessageSize: this.ctx.maxMessageSize });
    this.writer = new FrameWriter({ miniHeader: link.miniHeader });
    linkDone = true;
    this.ctx.log.debug(this.name, "linked", { miniHeader: link.miniHeader, serverCaps: link.serverCaps.channel.toWords() });
    this.onReady();
    this.emitEvent("ready", link);
    for (const rest of reader.takeRest()) this.receive(rest);
    return link;
  }

  /**
   * Stops reading from the server (the transport is paused: bytes stay in the kernel and the
   * server's send buffer, no message is handled, no ACK is sent), as a stalled client would.
   * For tests and diagnostics; `resumeReading()` picks up where it stopped. Transports without
   * pause() (in-memory pairs) ignore it.
   */
  pauseReading(): void {
    this.transport?.pause?.();
  }

  resumeReading(): void {
    this.transport?.resume?.();
  }

  /** Did the server advertise this channel capability? */
  serverHasCap(bit: number): boolean {
    return this.link?.serverCaps.channel.has(bit) ?? false;
  }

  /** Encodes and sends one message. */
  send<K extends keyof C & string>(name: K, body: Parameters<MessageSet<C>["encode"]>[1] & DecodedMessageBody<C, K>): void {
    if (this.closedFlag || !this.writer) return;
    const def = this.client.defs[name];
    if (!def) throw new Error(`${this.name}: no client message ${name}`);
    const payload = this.client.encode(name, body as never);
    this.write(this.writer.frame(def[0], payload));
  }

  /**
   * Sends go out once per task: what one run of handlers writes (the ACKs of a batch of
   * messages, several input events) leaves in a single transport send at the end of it, which
   * costs far less than a send each (a WebSocket send is a cross-process call in browsers).
   */
  private write(bytes: Uint8Array): void {
    this.bytesSent += bytes.length;
    if (this.outbox.length === 0) queueMicrotask(() => this.flushOutbox());
    this.outbox.push(bytes);
  }

  private flushOutbox(): void {
    const out = this.outbox;
    if (out.length === 0) return;
    this.outbox = [];
    const t = this.transport;
    if (!t) return;
    if (out.length === 1) {
      t.send(out[0]!);
      return;
    }
    let n = 0;
    for (const b of out) n += b.length;
    const joined = new Uint8Array(n);
    n = 0;
    for (const b of out) {
      joined.set(b, n);
      n += b.length;
    }
    t.send(joined);
  }

  private receive(chunk: Uint8Array): void {
    if (this.closedFlag || !this.splitter) return;
    let frames: Frame[];
    try {
      frames = this.splitter.push(chunk);
    } catch (e) {
      this.fail(e);
      return;
    }
    for (const f of frames) this.backlog.push(f);
    if (!this.busy) void this.pump();
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      while (this.backlog.length > 0 && !this.closedFlag) {
        const frame = this.backlog.shift()!;
        if (frame.last && this.ack.received()) this.send("Ack" as never, {} as never);
        const result = this.handle(frame);
        if (result) await result;
        if (frame.last) {
          this.handledSerial = frame.serial;
          this.releaseSerialWaiters();
        }
        this.emitEvent("message", frame.type, frame.serial);
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = false;
    }
  }

  private handle(frame: Frame): void | Promise<void> {
    const info = this.server.info(frame.type);
    if (!info) {
      this.countUnhandled(frame.type, "unknown message type");
      return;
    }
    const msg = this.server.decode(frame.type, frame.body);
    switch (msg.name) {
      case "SetAck": {
        const b = msg.body as { generation: number; window: number };
        this.send("AckSync" as never, { generation: this.ack.setAck(b.generation, b.window) } as never);
        return;
      }
      case "Ping": {
        const b = msg.body as { id: number; timestamp: bigint };
        this.send("Pong" as never, { id: b.id, timestamp: b.timestamp } as never);
        const h = this.handlers[msg.name as keyof S & string];
        return h ? (h as Handler<unknown>)(msg.body, frame) : undefined;
      }
      case "Notify": {
        const b = msg.body as { severity: number; message: Uint8Array };
        const text = new TextDecoder().decode(b.message).replace(/\0+$/, "");
        this.ctx.log[b.severity >= 2 ? "error" : b.severity === 1 ? "warn" : "info"](this.name, `server notice: ${text}`);
        return;
      }
      case "Disconnecting": {
        const b = msg.body as { reason: number };
        this.ctx.log.info(this.name, "server is disconnecting", { reason: b.reason });
        return;
      }
      case "WaitForChannels": {
        const h = this.handlers[msg.name as keyof S & string];
        if (h) return (h as Handler<unknown>)(msg.body, frame);
        break;
      }
      default:
        break;
    }
    const h = this.handlers[msg.name as keyof S & string];
    if (!h) {
      this.countUnhandled(frame.type, `unhandled ${msg.name}`);
      return;
    }
    return (h as Handler<unknown>)(msg.body, frame);
  }

  /**
   * Messages received but not handled yet, oldest first (read-only: for handlers that start
   * work ahead of its turn, such as decoding the next video frames while one is awaited).
   */
  protected get pending(): readonly Frame[] {
    return this.backlog;
  }

  /** emit() for the base events, whatever the subclass's event map adds. */
  protected emitEvent(event: string, ...args: unknown[]): void {
    (this.emit as (e: string, ...a: unknown[]) => void)(event, ...args);
  }

  private countUnhandled(type: number, what: string): void {
    const n = (this.unhandled.get(type) ?? 0) + 1;
    this.unhandled.set(type, n);
    if (n === 1) this.ctx.log.debug(this.name, what, { type });
  }

  /** Resolves once this channel has handled the message with `serial` (WAIT_FOR_CHANNELS). */
  waitForSerial(serial: number): Promise<void> {
    if (this.handledSerial >= serial || this.closedFlag) return Promise.resolve();
    return new Promise((resolve) => this.serialWaiters.push({ serial, resolve }));
  }

  private releaseSerialWaiters(): void {
    if (this.serialWaiters.length === 0) return;
    const keep: typeof this.serialWaiters = [];
    for (const w of this.serialWaiters) (this.handledSerial >= w.serial ? w.resolve() : keep.push(w));
    this.serialWaiters = keep;
  }

  /** A peer fault: log, close, report. Programming errors are rethrown asynchronously. */
  protected fail(e: unknown): void {
    const err = asSpiceError(e, this.name);
    this.ctx.log.error(this.name, err.message, { code: err.code });
    this.shutdown(err);
    this.transport?.close();
  }

  close(): void {
    if (this.closedFlag) return;
    this.flushOutbox();
    this.shutdown(undefined);
    this.transport?.close();
  }

  private shutdown(error: SpiceError | undefined): void {
    if (this.closedFlag && !error) return;
    const first = !this.closedFlag;
    this.closedFlag = true;
    this.backlog.length = 0;
    for (const w of this.serialWaiters) w.resolve();
    this.serialWaiters = [];
    if (first) this.emitEvent("closed", error);
  }
}

type DecodedMessageBody<C extends MessageDefs, K extends keyof C & string> = Extract<DecodedMessage<C>, { name: K }>["body"];

/** Peer faults (SpiceError, CodecError) become SpiceErrors; anything else is a bug and is wrapped too, so the process stays up. */
export function asSpiceError(e: unknown, where: string): SpiceError {
  if (isSpiceError(e)) return e;
  if (e && typeof e === "object" && "code" in e && typeof (e as { code: unknown }).code === "string" && /^ERR_/.test((e as { code: string }).code)) {
    const code = (e as { code: string }).code;
    const known = ["ERR_QUIC_CORRUPT", "ERR_LZ_CORRUPT", "ERR_GLZ_CORRUPT", "ERR_LZ4_CORRUPT", "ERR_JPEG_CORRUPT", "ERR_ZLIB_CORRUPT", "ERR_IMAGE_CORRUPT", "ERR_GLZ_MISSING_IMAGE"];
    return new SpiceError((known.includes(code) ? code : "ERR_IMAGE_CORRUPT") as SpiceError["code"], `${where}: ${(e as unknown as Error).message}`, { cause: e });
  }
  return new SpiceError("ERR_SPICE_MALFORMED", `${where}: internal error while handling a message: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}
