import { Caps, Emitter, SpiceError, agent, silentLogger, type Logger } from "@saffron/protocol";
import { AgentStreamReader, agentChunks } from "./agent-stream.js";
import { crlfToLf, lfToCrlf } from "./clipboard-line-endings.js";

const { AgentCaps: C, AgentFileXferStatus: XferStatus, AgentClipboardSelection } = agent;

/** What the agent client needs from the MAIN channel (MainChannel fits). */
export interface AgentPort {
  readonly agentConnected: boolean;
  readonly agentTokens: number;
  /** Sends one AGENT_DATA chunk when a token is left; false (nothing sent) otherwise. */
  sendAgentData(chunk: Uint8Array): boolean;
  on(event: "agent-connected", listener: (connected: boolean) => void): () => void;
  on(event: "agent-data", listener: (chunk: Uint8Array) => void): () => void;
  on(event: "agent-tokens", listener: (tokens: number) => void): () => void;
}

/** A monitor for `setMonitors`, in guest (device) pixels. */
export interface AgentMonitor {
  width: number;
  height: number;
  x?: number;
  y?: number;
}

/** detail of 'file-progress'. */
export interface FileTransferProgress {
  id: number;
  name: string;
  size: number;
  /** Bytes given to the agent stream so far (the send queue runs at most 64 KiB ahead of the wire). */
  sent: number;
  /** "sending" while data flows; "done" once the agent reported SUCCESS. */
  state: "waiting" | "sending" | "done";
}

/** A file transfer started by `sendFile`. */
export interface FileTransfer {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  /** Resolves when the agent has written the whole file; rejects with a FileTransferError. */
  readonly done: Promise<void>;
  /** Stops sending and tells the agent (FILE_XFER_STATUS CANCELLED). */
  cancel(): void;
}

/** A refused, failed or cancelled file transfer; `status` is the VD_AGENT_FILE_XFER_STATUS_* value. */
export class FileTransferError extends SpiceError {
  constructor(
    readonly status: number,
    message: string,
    readonly freeSpace?: bigint,
  ) {
    super("ERR_SPICE_AGENT", message);
  }
}

export interface AgentClientEvents {
  /** The agent announced its capabilities: clipboard, monitors and file transfer work from now on. */
  connected: (caps: Caps) => void;
  /** The agent went away (or the session closed). */
  disconnected: () => void;
  /** The guest owns `selection` and offers these clipboard types (AgentClipboardType values). */
  "clipboard-grab": (types: number[], selection: number) => void;
  /** The guest asks for data of a selection we grabbed without giving data (answer with `clipboard`). */
  "clipboard-request": (type: number, selection: number) => void;
  /** Clipboard data from the guest (after `request`); UTF8_TEXT always with LF line ends. */
  clipboard: (type: number, data: Uint8Array, selection: number) => void;
  /** The guest gave up `selection`. */
  "clipboard-release": (selection: number) => void;
  /** VD_AGENT_REPLY: the agent's answer to a MONITORS_CONFIG or DISPLAY_CONFIG (error: AgentReplyError). */
  reply: (type: number, error: number) => void;
  "file-progress": (progress: FileTransferProgress) => void;
  /** A file transfer ended: no error on success. */
  "file-done": (id: number, error?: FileTransferError) => void;
  /** The agent sent something we could not read (the session goes on). */
  error: (error: SpiceError) => void;
  /** Every decoded agent message, for advanced use and tests. */
  message: (message: agent.AgentMessage) => void;
  [event: string]: (...args: any[]) => void;
}

export interface AgentClientOptions {
  log?: Logger;
  /** Largest agent message accepted (and announced as MAX_CLIPBOARD). Default 32 MiB. */
  maxMessageSize?: number;
  /** FILE_XFER_DATA payload per message. Default 64 KiB (32 chunks, as spice-gtk and spice-html5). */
  fileChunkSize?: number;
}

/**
 * The capabilities we announce (what this client implements), as spice-gtk: no GUEST_LINEEND_*
 * bits, which describe the guest. Text is LF on this side and converted for a CRLF guest.
 */
export const CLIENT_AGENT_CAPS: readonly number[] = [
  C.MouseState,
  C.MonitorsConfig,
  C.Reply,
  C.ClipboardByDemand,
  C.ClipboardSelection,
  C.MonitorsConfigPosition,
  C.FileXferDetailedErrors,
];

const QUEUE_LOW_WATER = 64 * 1024;

interface XferTask {
  id: number;
  name: string;
  size: number;
  sent: number;
  finished: boolean;
  canSend?: () => void;
  succeed: () => void;
  fail: (e: FileTransferError) => void;
}

type AgentBody<K extends keyof agent.AgentMessageSet["defs"]> = Parameters<typeof agent.encodeAgentMessage<K & string>>[2];

/**
 * The client end of the vdagent protocol (protocol-map §10), on top of the MAIN channel's
 * AGENT_DATA stream: reassembly, token-paced chunked sending, the capability exchange,
 * monitors config, the clipboard (by demand, with selections) and file transfer.
 * Behaviour follows spice-gtk's channel-main.c (announce with request = 1 on connect,
 * 64 KiB FILE_XFER_DATA messages, a NUL-terminated key file in FILE_XFER_START). UTF8_TEXT
 * clipboard data is LF on this side; for a guest that announced GUEST_LINEEND_CRLF it is
 * converted to CRLF on the way out and back to LF on the way in, as spice-gtk does.
 */
export class AgentClient extends Emitter<AgentClientEvents> {
  private port?: AgentPort;
  private readonly detachers: (() => void)[] = [];
  private readonly log: Logger;
  private readonly reader: AgentStreamReader;
  private readonly fileChunkSize: number;
  private set: agent.AgentMessageSet = agent.agentMessages;
  private queue: Uint8Array[] = [];
  private queueHead = 0;
  private queuedBytes = 0;
  private drainWaiters: { below: number; resolve: () => void }[] = [];
  private agentCaps?: Caps;
  private pending: (() => void)[] = [];
  private readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly offered = new Map<number, Map<number, Uint8Array>>();
  private readonly transfers = new Map<number, XferTask>();
  private nextXferId = 1;

  constructor(options: AgentClientOptions = {}) {
    super();
    this.log = options.log ?? silentLogger;
    this.reader = new AgentStreamReader(options.maxMessageSize ?? 32 * 1024 * 1024);
    this.fileChunkSize = options.fileChunkSize ?? 32 * agent.AgentMaxDataSize;
  }

  /** Follows a MAIN channel's agent stream (the session does this). */
  attach(port: AgentPort): void {
    this.detach();
    this.port = port;
    this.detachers.push(
      port.on("agent-connected", (c) => (c ? this.onAgentConnected() : this.onAgentGone())),
      port.on("agent-data", (chunk) => this.onData(chunk)),
      port.on("agent-tokens", () => this.flush()),
    );
    if (port.agentConnected) this.onAgentConnected();
  }

  /** Stops following the MAIN channel; everything in flight fails. */
  detach(): void {
    for (const d of this.detachers.splice(0)) d();
    if (this.port) this.onAgentGone();
    this.port = undefined;
  }

  /** True once the agent has announced its capabilities. */
  get connected(): boolean {
    return this.agentCaps !== undefined;
  }

  /** The agent's capabilities (after 'connected'). */
  get caps(): Caps | undefined {
    return this.agentCaps;
  }

  /** Whether the agent announced capability `cap` (AgentCaps value). */
  has(cap: number): boolean {
    return this.agentCaps?.has(cap) ?? false;
  }

  /** Agent stream bytes waiting for tokens. */
  get queued(): number {
    return this.queuedBytes;
  }

  /** Resolves once the agent has announced its capabilities; rejects after `timeoutMs`. */
  ready(timeoutMs = 15_000): Promise<void> {
    if (this.agentCaps) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w = {
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
        reject: (e: Error) => {
          clearTimeout(t);
          reject(e);
        },
      };
      const t = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((x) => x !== w);
        reject(new SpiceError("ERR_SPICE_TIMEOUT", `no vdagent within ${timeoutMs} ms`));
      }, timeoutMs);
      this.readyWaiters.push(w);
    });
  }

  // ---- monitors ----

  /**
   * Asks the guest for this monitor layout (MONITORS_CONFIG); spice-vdagent applies it with
   * RandR and the display channel then reports the new surface size. Sizes are guest pixels:
   * a HiDPI page passes CSS size × devicePixelRatio. Sent once the agent is there; returns
   * false when the agent cannot do it.
   */
  setMonitors(monitors: readonly AgentMonitor[]): boolean {
    if (monitors.length === 0) throw new RangeError("setMonitors: at least one monitor");
    for (const m of monitors) {
      if (!Number.isInteger(m.width) || !Number.isInteger(m.height) || m.width < 0 || m.height < 0) {
        throw new RangeError(`setMonitors: bad size ${m.width}x${m.height}`);
      }
    }
    return this.whenReady(C.MonitorsConfig, () => {
      const flags = this.has(C.MonitorsConfigPosition) ? agent.AgentMonitorsConfigFlags.UsePos : 0;
      this.sendMessage("MonitorsConfig", {
        flags,
        monitors: monitors.map((m) => ({ width: m.width, height: m.height, depth: 32, x: m.x ?? 0, y: m.y ?? 0 })),
        physicalSizes: null,
      });
    });
  }

  // ---- clipboard ----

  /** Tells the guest we own `selection` with data of these types (CLIPBOARD_GRAB); answer its requests with `clipboard`. */
  grab(types: readonly number[], selection: number = AgentClipboardSelection.Clipboard): boolean {
    return this.whenReady(C.ClipboardByDemand, () => {
      if (!this.selectionOk(selection)) return;
      this.offered.delete(selection);
      this.sendMessage("ClipboardGrab", { selection, types: [...types] });
    });
  }

  /**
   * Owns `selection` with this data and answers the guest's requests from it (no
   * 'clipboard-request' events for it). `items` maps AgentClipboardType to bytes.
   */
  offer(items: ReadonlyMap<number, Uint8Array> | Record<number, Uint8Array>, selection: number = AgentClipboardSelection.Clipboard): boolean {
    const map = items instanceof Map ? new Map(items) : new Map(Object.entries(items).map(([k, v]) => [Number(k), v as Uint8Array]));
    return this.whenReady(C.ClipboardByDemand, () => {
      if (!this.selectionOk(selection)) return;
      this.sendMessage("ClipboardGrab", { selection, types: [...map.keys()] });
      this.offered.set(selection, map);
    });
  }

  /** `offer` for text (UTF8_TEXT). */
  offerText(text: string, selection: number = AgentClipboardSelection.Clipboard): boolean {
    return this.offer(new Map([[agent.AgentClipboardType.Utf8Text, new TextEncoder().encode(text)]]), selection);
  }

  /** Asks the guest for its clipboard data of `type` (answered by a 'clipboard' event). */
  request(type: number, selection: number = AgentClipboardSelection.Clipboard): boolean {
    return this.whenReady(C.ClipboardByDemand, () => {
      if (this.selectionOk(selection)) this.sendMessage("ClipboardRequest", { selection, type });
    });
  }

  /** Requests `type` and resolves with the guest's data (rejects after `timeoutMs`). */
  read(type: number, selection: number = AgentClipboardSelection.Clipboard, timeoutMs = 10_000): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const off = this.on("clipboard", (t, data, sel) => {
        if (sel !== selection) return;
        done();
        // The agent answers a request it cannot serve with type NONE and no data.
        if (t === type) resolve(data);
        else reject(new SpiceError("ERR_SPICE_AGENT", `the guest has no clipboard data of type ${type}`));
      });
      const timer = setTimeout(() => {
        done();
        reject(new SpiceError("ERR_SPICE_TIMEOUT", `no clipboard data from the guest within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        off();
        clearTimeout(timer);
      };
      if (!this.request(type, selection)) {
        done();
        reject(new SpiceError("ERR_SPICE_AGENT", "the agent does not share the clipboard"));
      }
    });
  }

  /** Sends clipboard data (the answer to a 'clipboard-request'). */
  clipboard(type: number, data: Uint8Array, selection: number = AgentClipboardSelection.Clipboard): boolean {
    return this.whenReady(C.ClipboardByDemand, () => {
      if (this.selectionOk(selection)) this.sendMessage("Clipboard", { selection, type, data: this.toGuest(type, data) });
    });
  }

  /** Gives up our ownership of `selection` (CLIPBOARD_RELEASE). */
  release(selection: number = AgentClipboardSelection.Clipboard): boolean {
    return this.whenReady(C.ClipboardByDemand, () => {
      if (!this.selectionOk(selection)) return;
      this.offered.delete(selection);
      this.sendMessage("ClipboardRelease", { selection });
    });
  }

  private selectionOk(selection: number): boolean {
    return selection === AgentClipboardSelection.Clipboard || this.has(C.ClipboardSelection);
  }

  /** Text for the guest in its line-end convention (only a CRLF guest needs a change). */
  private toGuest(type: number, data: Uint8Array): Uint8Array {
    return type === agent.AgentClipboardType.Utf8Text && this.has(C.GuestLineendCrlf) ? lfToCrlf(data) : data;
  }

  /** Text from the guest with LF line ends. */
  private fromGuest(type: number, data: Uint8Array): Uint8Array {
    return type === agent.AgentClipboardType.Utf8Text && this.has(C.GuestLineendCrlf) ? crlfToLf(data) : data;
  }

  // ---- file transfer ----

  /**
   * Sends a file to the guest (spice-vdagent saves it in its file-xfer directory):
   * FILE_XFER_START with a key file naming it, then after the agent's CAN_SEND_DATA the
   * bytes in FILE_XFER_DATA messages, paced by the agent tokens. `data` yields the bytes
   * (any chunking; `size` in total). Progress: 'file-progress'; the end: 'file-done' and
   * `done`.
   */
  sendFile(name: string, size: number, data: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): FileTransfer {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`sendFile: bad size ${size}`);
    const id = this.nextXferId++;
    const fileName = safeFileName(name);
    let resolveDone!: () => void;
    let rejectDone!: (e: FileTransferError) => void;
    const done = new Promise<void>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    done.catch(() => {});
    const task: XferTask = {
      id,
      name: fileName,
      size,
      sent: 0,
      finished: false,
      succeed: () => {
        if (task.finished) return;
        task.finished = true;
        this.transfers.delete(id);
        this.emit("file-progress", { id, name: fileName, size, sent: task.sent, state: "done" });
        this.emit("file-done", id);
        resolveDone();
      },
      fail: (e) => {
        if (task.finished) return;
        task.finished = true;
        this.transfers.delete(id);
        task.canSend?.();
        this.emit("file-done", id, e);
        rejectDone(e);
      },
    };
    this.transfers.set(id, task);
    void this.runTransfer(task, data);
    return {
      id,
      name: fileName,
      size,
      done,
      cancel: () => {
        if (task.finished) return;
        if (this.port?.agentConnected) this.sendMessage("FileXferStatus", { id, result: XferStatus.Cancelled, detail: new Uint8Array(0) });
        task.fail(new FileTransferError(XferStatus.Cancelled, `file transfer ${id} (${fileName}) cancelled`));
      },
    };
  }

  private async runTransfer(task: XferTask, data: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
    try {
      await this.ready();
      if (task.finished) return;
      if (this.has(C.FileXferDisabled)) throw new FileTransferError(XferStatus.Disabled, "the agent has file transfer disabled");
      const canSend = new Promise<void>((resolve) => (task.canSend = resolve));
      this.emit("file-progress", { id: task.id, name: task.name, size: task.size, sent: 0, state: "waiting" });
      this.sendMessage("FileXferStart", { id: task.id, data: fileXferKeyFile(task.name, task.size) });
      await canSend;
      task.canSend = undefined;
      const source = data instanceof Uint8Array ? [data] : data;
      for await (const piece of source) {
        for (let pos = 0; pos < piece.length && !task.finished; pos += this.fileChunkSize) {
          const part = piece.subarray(pos, Math.min(pos + this.fileChunkSize, piece.length));
          if (task.sent + part.length > task.size) throw new FileTransferError(XferStatus.Error, `file ${task.name}: more than the ${task.size} bytes announced`);
          this.sendMessage("FileXferData", { id: task.id, size: BigInt(part.length), data: part });
          task.sent += part.length;
          this.emit("file-progress", { id: task.id, name: task.name, size: task.size, sent: task.sent, state: "sending" });
          await this.drained(QUEUE_LOW_WATER);
        }
        if (task.finished) return;
      }
      if (task.sent !== task.size) throw new FileTransferError(XferStatus.Error, `file ${task.name}: ${task.sent} bytes given, ${task.size} announced`);
      // An empty file gets no data message, and so no SUCCESS from spice-vdagent.
      if (task.size === 0) task.succeed();
    } catch (e) {
      if (task.finished) return;
      const err = e instanceof FileTransferError ? e : new FileTransferError(XferStatus.Error, `file ${task.name}: ${(e as Error)?.message ?? String(e)}`);
      if (this.port?.agentConnected && this.connected) this.sendMessage("FileXferStatus", { id: task.id, result: XferStatus.Cancelled, detail: new Uint8Array(0) });
      task.fail(err);
    }
  }

  private onXferStatus(id: number, result: number, detail: Uint8Array): void {
    const task = this.transfers.get(id);
    if (!task) return;
    if (result === XferStatus.CanSendData) {
      task.canSend?.();
      return;
    }
    if (result === XferStatus.Success) {
      task.succeed();
      return;
    }
    let freeSpace: bigint | undefined;
    if (result === XferStatus.NotEnoughSpace && detail.length >= 8) freeSpace = new DataView(detail.buffer, detail.byteOffset, 8).getBigUint64(0, true);
    task.fail(new FileTransferError(result, `file transfer ${id} (${task.name}): ${xferStatusText(result, freeSpace)}`, freeSpace));
  }

  // ---- stream ----

  private onAgentConnected(): void {
    this.resetState();
    // Announce and ask the agent for its capabilities (request = 1), as spice-gtk does.
    this.sendMessage("AnnounceCapabilities", { request: 1, caps: Caps.of(...CLIENT_AGENT_CAPS).toWords() });
  }

  private onAgentGone(): void {
    const wasConnected = this.agentCaps !== undefined;
    this.resetState();
    for (const t of [...this.transfers.values()]) t.fail(new FileTransferError(XferStatus.VdagentNotConnected, `file transfer ${t.id} (${t.name}): the agent went away`));
    for (const w of this.readyWaiters.splice(0)) w.reject(new SpiceError("ERR_SPICE_CLOSED", "the agent went away"));
    if (wasConnected) this.emit("disconnected");
  }

  private resetState(): void {
    this.agentCaps = undefined;
    this.set = agent.agentMessages;
    this.reader.reset();
    this.queue = [];
    this.queueHead = 0;
    this.queuedBytes = 0;
    this.pending = [];
    this.offered.clear();
    for (const w of this.drainWaiters.splice(0)) w.resolve();
  }

  private whenReady(cap: number, action: () => void): boolean {
    if (this.agentCaps) {
      if (!this.agentCaps.has(cap)) return false;
      action();
      return true;
    }
    if (!this.port) return false;
    this.pending.push(() => {
      if (this.has(cap)) action();
    });
    return true;
  }

  private sendMessage<K extends keyof agent.AgentMessageSet["defs"] & string>(name: K, body: AgentBody<K>): void {
    const bytes = agent.encodeAgentMessage(this.set, name, body);
    for (const c of agentChunks(bytes)) this.queue.push(c);
    this.queuedBytes += bytes.length;
    this.flush();
  }

  private flush(): void {
    const port = this.port;
    if (!port) return;
    while (this.queueHead < this.queue.length) {
      const chunk = this.queue[this.queueHead]!;
      if (!port.sendAgentData(chunk)) break;
      this.queueHead++;
      this.queuedBytes -= chunk.length;
    }
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    } else if (this.queueHead > 1024) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    if (this.drainWaiters.length) {
      const still: typeof this.drainWaiters = [];
      for (const w of this.drainWaiters) (this.queuedBytes <= w.below ? w.resolve() : still.push(w));
      this.drainWaiters = still;
    }
  }

  private drained(below: number): Promise<void> {
    if (this.queuedBytes <= below) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push({ below, resolve }));
  }

  private onData(chunk: Uint8Array): void {
    const { messages, errors } = this.reader.push(chunk);
    for (const e of errors) this.fault(e);
    for (const bytes of messages) {
      let decoded: agent.AgentMessage;
      try {
        decoded = agent.decodeAgentMessage(this.set, bytes).message;
      } catch (e) {
        if (e instanceof SpiceError) {
          this.fault(e);
          continue;
        }
        throw e;
      }
      this.handle(decoded);
    }
  }

  private fault(e: SpiceError): void {
    this.log.warn("agent", e.message, { code: e.code });
    this.emit("error", e);
  }

  private handle(m: agent.AgentMessage): void {
    this.emit("message", m);
    switch (m.name) {
      case "AnnounceCapabilities": {
        const caps = Caps.fromWords(m.body.caps);
        const first = this.agentCaps === undefined;
        this.agentCaps = caps;
        this.set = agent.agentMessagesFor({ clipboardSelection: caps.has(C.ClipboardSelection) });
        if (m.body.request) this.sendMessage("AnnounceCapabilities", { request: 0, caps: Caps.of(...CLIENT_AGENT_CAPS).toWords() });
        if (caps.has(C.MaxClipboard)) this.sendMessage("MaxClipboard", { max: Math.min(this.reader.maxMessageSize, 0x7fffffff) });
        if (first) {
          this.log.debug("agent", "agent capabilities", { caps: caps.bits() });
          for (const action of this.pending.splice(0)) action();
          for (const w of this.readyWaiters.splice(0)) w.resolve();
          this.emit("connected", caps);
        }
        break;
      }
      case "ClipboardGrab": {
        const sel = m.body.selection ?? AgentClipboardSelection.Clipboard;
        this.offered.delete(sel);
        this.emit("clipboard-grab", m.body.types, sel);
        break;
      }
      case "ClipboardRequest": {
        const sel = m.body.selection ?? AgentClipboardSelection.Clipboard;
        const data = this.offered.get(sel)?.get(m.body.type);
        if (data) this.sendMessage("Clipboard", { selection: sel, type: m.body.type, data: this.toGuest(m.body.type, data) });
        else if (this.offered.has(sel)) this.sendMessage("Clipboard", { selection: sel, type: agent.AgentClipboardType.None, data: new Uint8Array(0) });
        else this.emit("clipboard-request", m.body.type, sel);
        break;
      }
      case "Clipboard":
        this.emit("clipboard", m.body.type, this.fromGuest(m.body.type, m.body.data), m.body.selection ?? AgentClipboardSelection.Clipboard);
        break;
      case "ClipboardRelease":
        this.emit("clipboard-release", m.body.selection ?? AgentClipboardSelection.Clipboard);
        break;
      case "Reply":
        this.emit("reply", m.body.type, m.body.error);
        break;
      case "FileXferStatus":
        this.onXferStatus(m.body.id, m.body.result, m.body.detail);
        break;
      default:
        this.log.debug("agent", "agent message not handled", { name: m.name });
    }
  }
}

/** The FILE_XFER_START key file spice-vdagent parses (NUL-terminated: it loads it with length -1). */
export function fileXferKeyFile(name: string, size: number): Uint8Array {
  const text = `[vdagent-file-xfer]\nname=${keyFileEscape(name)}\nsize=${size}\n`;
  const utf8 = new TextEncoder().encode(text);
  const out = new Uint8Array(utf8.length + 1);
  out.set(utf8);
  return out;
}

/** GKeyFile value escaping: backslash, line breaks, tabs, and a leading space. */
function keyFileEscape(v: string): string {
  let s = v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
  if (s.startsWith(" ")) s = "\\s" + s.slice(1);
  return s;
}

/** The last path component, without NULs; the agent joins it to its save directory. */
export function safeFileName(name: string): string {
  const base = name.replace(/\0/g, "").split(/[\\/]/).pop() ?? "";
  return base === "" || base === "." || base === ".." ? "file" : base;
}

function xferStatusText(result: number, freeSpace?: bigint): string {
  switch (result) {
    case XferStatus.Cancelled:
      return "cancelled by the guest";
    case XferStatus.Error:
      return "the guest could not write the file";
    case XferStatus.NotEnoughSpace:
      return `not enough space on the guest${freeSpace !== undefined ? ` (${freeSpace} bytes free)` : ""}`;
    case XferStatus.SessionLocked:
      return "the guest session is locked";
    case XferStatus.VdagentNotConnected:
      return "no session agent runs in the guest";
    case XferStatus.Disabled:
      return "file transfer is disabled in the guest";
    default:
      return `status ${result}`;
  }
}
