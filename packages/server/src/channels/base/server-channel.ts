import {
  Emitter,
  FrameSplitter,
  FrameWriter,
  ServerAckWindow,
  SpiceError,
  channelTypeName,
  isSpiceError,
  type DecodedMessage,
  type Frame,
  type LinkOutcome,
  type Logger,
  type MessageDefs,
  type MessageSet,
} from "@saffron/protocol";
import type { Connection } from "../../net/connection.js";

type Handler<B> = (body: B, frame: Frame) => void;
export type ServerHandlerTable<M extends MessageDefs> = {
  [K in keyof M & string]?: Handler<Extract<DecodedMessage<M>, { name: K }>["body"]>;
};

export interface ServerChannelEvents {
  closed: (error?: SpiceError) => void;
  [event: string]: (...args: any[]) => void;
}

export interface ServerChannelContext {
  log: Logger;
  /** Largest message a client may send (clients send small messages). */
  maxMessageSize?: number;
}

/**
 * The server half of a channel: framing, ACK window (display and cursor), PING, and a
 * handler table for client messages. Any peer fault closes this channel only.
 */
export abstract class ServerChannel<S extends MessageDefs, C extends MessageDefs> extends Emitter<ServerChannelEvents> {
  abstract readonly type: number;
  protected abstract readonly server: MessageSet<S>;
  protected abstract readonly client: MessageSet<C>;
  protected abstract readonly handlers: ServerHandlerTable<C>;
  /** Channels that use the ACK window (display, cursor). */
  protected readonly usesAck: boolean = false;

  readonly id: number;
  readonly conn: Connection;
  protected readonly log: Logger;
  private readonly splitter: FrameSplitter;
  private readonly writer: FrameWriter;
  protected readonly ack = new ServerAckWindow(20);
  private closedFlag = false;
  private pingId = 0;
  private pingTimer?: ReturnType<typeof setInterval>;
  bytesSent = 0;
  bytesReceived = 0;
  messagesSent = 0;
  /** Round-trip time of the last PING (ms). */
  rttMs = -1;
  private pings = new Map<number, number>();

  constructor(conn: Connection, link: LinkOutcome, id: number, ctx: ServerChannelContext) {
    super();
    this.conn = conn;
    this.id = id;
    this.log = ctx.log;
    this.splitter = new FrameSplitter({ miniHeader: link.miniHeader, maxMessageSize: ctx.maxMessageSize ?? 4 * 1024 * 1024 });
    this.writer = new FrameWriter({ miniHeader: link.miniHeader });
    conn.onClose(() => this.shutdown(this.closedFlag ? undefined : new SpiceError("ERR_SPICE_CLOSED", `${this.name}: client disconnected`)));
  }

  get name(): string {
    return `${channelTypeName(this.type)}:${this.id}`;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Starts the data stage; `rest` are bytes that arrived right after the link. */
  start(rest: Uint8Array[]): void {
    this.conn.onData((c) => this.receive(c));
    if (this.usesAck) {
      const { generation, window } = this.ack.startWindow();
      this.sendMessage("SetAck" as never, { generation, window } as never);
    }
    this.onStart();
    for (const c of rest) this.receive(c);
    this.pingTimer = setInterval(() => this.ping(), 15_000);
    this.pingTimer.unref?.();
  }

  protected onStart(): void {}

  /** Can another message go out without exceeding the ACK window and the socket buffer? */
  get canSend(): boolean {
    return !this.closedFlag && (!this.usesAck || this.ack.canSend) && this.conn.pending < 4 * 1024 * 1024;
  }

  protected sendMessage<K extends keyof S & string>(name: K, body: Extract<DecodedMessage<S>, { name: K }>["body"]): void {
    if (this.closedFlag) return;
    const def = this.server.defs[name];
    if (!def) throw new Error(`${this.name}: no server message ${name}`);
    const payload = this.server.encode(name, body as never);
    const frame = this.writer.frame(def[0], payload);
    this.bytesSent += frame.length;
    this.messagesSent++;
    if (this.usesAck) this.ack.sent();
    this.conn.send(frame);
  }

  ping(): void {
    this.sendPing(this.nextPingId(), 0);
  }

  protected nextPingId(): number {
    return ++this.pingId;
  }

  /** A PING with `padding` zero bytes (the main channel's network test pads one with 250 KiB). */
  protected sendPing(id: number, padding: number): void {
    if (this.closedFlag) return;
    this.pings.set(id, Date.now());
    if (this.pings.size > 16) this.pings.delete(this.pings.keys().next().value as number);
    this.sendMessage("Ping" as never, { id, timestamp: BigInt(Date.now()) * 1000n, padding: new Uint8Array(padding) } as never);
  }

  /** A PONG for one of our PINGs arrived. */
  protected onPong(_id: number): void {}

  private receive(chunk: Uint8Array): void {
    if (this.closedFlag) return;
    this.bytesReceived += chunk.length;
    try {
      for (const frame of this.splitter.push(chunk)) {
        if (this.closedFlag) return;
        this.handle(frame);
      }
    } catch (e) {
      this.fail(e);
    }
  }

  private handle(frame: Frame): void {
    const msg = this.client.decode(frame.type, frame.body);
    switch (msg.name) {
      case "AckSync":
        this.ack.onAckSync((msg.body as { generation: number }).generation);
        this.onWindowOpen();
        return;
      case "Ack":
        this.ack.onAck();
        this.onWindowOpen();
        return;
      case "Pong": {
        const id = (msg.body as { id: number }).id;
        const sent = this.pings.get(id);
        if (sent !== undefined) this.rttMs = Date.now() - sent;
        this.onPong(id);
        return;
      }
      case "Disconnecting":
        return;
      default:
        break;
    }
    const h = this.handlers[msg.name as keyof C & string];
    if (h) (h as Handler<unknown>)(msg.body, frame);
    else this.log.debug(this.name, "client message ignored", { type: frame.type, name: msg.name });
  }

  /** The client acknowledged messages: more may be sent. */
  protected onWindowOpen(): void {}

  protected fail(e: unknown): void {
    const err = isSpiceError(e) ? e : new SpiceError("ERR_SPICE_MALFORMED", `${this.name}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    this.log.warn(this.name, `dropping client ${this.conn.remote}: ${err.message}`, { code: err.code });
    this.shutdown(err);
    this.conn.close();
  }

  close(): void {
    this.shutdown(undefined);
    this.conn.close();
  }

  private shutdown(error: SpiceError | undefined): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.onClosed();
    this.emit("closed", error);
  }

  protected onClosed(): void {}
}
