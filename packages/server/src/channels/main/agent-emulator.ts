import { Caps, SpiceError, agent, isSpiceError, silentLogger, type Logger } from "@saffron/protocol";
import { AgentStreamReader, DefaultMaxAgentMessage, chunkAgentMessage } from "./agent-stream.js";

const { AgentCaps, AgentClipboardSelection: Selection, AgentClipboardType: ClipType, AgentMsg } = agent;

/** What the emulated agent acts on: the parts of a DisplaySource a vdagent would drive. */
export interface AgentTarget {
  /** The client asks for a new desktop size (its first monitor). */
  requestResize?(width: number, height: number): void;
  /** The client's clipboard text, to paste on the desktop. */
  setClipboard?(text: string): void;
}

/** How the emulator talks to its MAIN channel. */
export interface AgentLink {
  /** Sends one MAIN AGENT_DATA message (a chunk ≤ 2048 bytes). Only called with a token in hand. */
  sendData(chunk: Uint8Array): void;
  /** Sends MAIN AGENT_TOKEN: the client may send `n` more chunks. */
  sendTokens(n: number): void;
}

export interface AgentEmulatorOptions {
  log?: Logger;
  /** Log scope (the channel name). */
  scope?: string;
  /** Chunks the client may send before we give tokens back (MAIN_INIT agent_tokens). Default 10. */
  clientWindow?: number;
  /** Largest agent message accepted from the client, header included. Default 1 MiB. */
  maxMessage?: number;
  /** The text the desktop's clipboard holds now, offered to the client once it announced. */
  currentClipboard?(): string | undefined;
}

/** Bytes of chunks we hold back at most while the client's tokens are spent. */
const MAX_QUEUED = 4 * 1024 * 1024;

/**
 * A vdagent inside the server (spice-server has the real one behind virtio-serial; a
 * desktop shared by Saffron has none). It speaks the agent protocol with the client over
 * MAIN AGENT_DATA: capability announcement, MONITORS_CONFIG → `requestResize` with a
 * REPLY, and UTF-8 clipboard text both ways in the by-demand flow (GRAB → REQUEST →
 * CLIPBOARD), keeping the token accounting of both directions. Only the CLIPBOARD
 * selection is exchanged.
 */
export class AgentEmulator {
  /** Tokens granted to the client in MAIN_INIT. */
  readonly clientWindow: number;
  private readonly log: Logger;
  private readonly scope: string;
  private readonly reader: AgentStreamReader;
  private readonly maxMessage: number;
  /** Chunks the client may still send. */
  private clientTokens: number;
  /** Chunks processed whose tokens are not yet given back. */
  private freedTokens = 0;
  /** Chunks we may still send (AGENT_START, then AGENT_TOKEN). */
  private serverTokens = 0;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private clientCaps: Caps | null = null;
  private set: agent.AgentMessageSet = agent.agentMessages;
  private maxClipboard = -1;
  /** Text we offered the client (GRAB sent), for its REQUEST. */
  private offered: string | undefined;

  constructor(
    private readonly link: AgentLink,
    private readonly target: AgentTarget,
    private readonly options: AgentEmulatorOptions = {},
  ) {
    this.log = options.log ?? silentLogger;
    this.scope = options.scope ?? "main:agent";
    this.clientWindow = options.clientWindow ?? 10;
    this.clientTokens = this.clientWindow;
    this.maxMessage = options.maxMessage ?? DefaultMaxAgentMessage;
    this.reader = new AgentStreamReader(this.maxMessage);
  }

  /** Whether a target has anything for an agent to do (resize or clipboard). */
  static supports(target: AgentTarget): boolean {
    return typeof target.requestResize === "function" || typeof target.setClipboard === "function";
  }

  private get resizes(): boolean {
    return typeof this.target.requestResize === "function";
  }

  private get clipboards(): boolean {
    return typeof this.target.setClipboard === "function";
  }

  /** Our ANNOUNCE_CAPABILITIES bitmap. */
  get caps(): Caps {
    const caps = Caps.of(AgentCaps.Reply, AgentCaps.GuestLineendLf, AgentCaps.FileXferDisabled);
    if (this.resizes) caps.set(AgentCaps.MonitorsConfig).set(AgentCaps.SparseMonitorsConfig);
    if (this.clipboards) caps.set(AgentCaps.ClipboardByDemand).set(AgentCaps.ClipboardSelection).set(AgentCaps.MaxClipboard);
    return caps;
  }

  /** The client's announced capabilities (null before its ANNOUNCE_CAPABILITIES). */
  get peerCaps(): Caps | null {
    return this.clientCaps;
  }

  /** MAIN AGENT_START: the client grants `tokens` chunks towards it. */
  start(tokens: number): void {
    this.serverTokens = Math.min(0xffffffff, tokens);
    this.flush();
  }

  /** MAIN AGENT_TOKEN from the client. */
  addTokens(tokens: number): void {
    this.serverTokens = Math.min(0xffffffff, this.serverTokens + tokens);
    this.flush();
  }

  /**
   * MAIN AGENT_DATA from the client. Throws SpiceError when the client has no token left,
   * a message is over the size limit, or the stream is out of step: the caller closes
   * the channel. A message that is well framed but unreadable is logged and skipped.
   */
  receive(chunk: Uint8Array): void {
    if (this.clientTokens <= 0) throw new SpiceError("ERR_SPICE_MALFORMED", "client sent agent data without a token");
    if (chunk.length > agent.AgentMaxDataSize) {
      throw new SpiceError("ERR_SPICE_TOO_LARGE", `agent data chunk of ${chunk.length} bytes over ${agent.AgentMaxDataSize}`);
    }
    this.clientTokens--;
    for (const bytes of this.reader.push(chunk)) this.handle(bytes);
    // Hand tokens back in batches, as spice-server does (half the window).
    this.freedTokens++;
    if (this.freedTokens >= Math.ceil(this.clientWindow / 2)) {
      this.clientTokens += this.freedTokens;
      this.link.sendTokens(this.freedTokens);
      this.freedTokens = 0;
    }
  }

  /** The desktop's clipboard now holds `text`: offer it to the client. */
  desktopClipboard(text: string): void {
    if (!this.clipboards) return;
    this.offered = text;
    if (this.clientCaps?.has(AgentCaps.ClipboardByDemand)) this.grab();
  }

  // ---- incoming ------------------------------------------------------------------------

  private handle(bytes: Uint8Array): void {
    let message: agent.AgentMessage;
    try {
      message = agent.decodeAgentMessage(this.set, bytes).message;
    } catch (e) {
      if (!isSpiceError(e)) throw e;
      this.log.debug(this.scope, `agent message skipped: ${e.message}`, { code: e.code });
      return;
    }
    switch (message.name) {
      case "AnnounceCapabilities":
        return this.onAnnounce(message.body.request, message.body.caps);
      case "MonitorsConfig":
        return this.onMonitorsConfig(message.body.monitors);
      case "DisplayConfig":
        return this.reply(AgentMsg.DisplayConfig, true);
      case "ClipboardGrab":
        return this.onClipboardGrab(message.body.selection, message.body.types);
      case "ClipboardRequest":
        return this.onClipboardRequest(message.body.selection, message.body.type);
      case "Clipboard":
        return this.onClipboard(message.body.selection, message.body.type, message.body.data);
      case "MaxClipboard":
        this.maxClipboard = message.body.max;
        return;
      case "FileXferStart":
        this.send("FileXferStatus", { id: message.body.id, result: agent.AgentFileXferStatus.Disabled, detail: new Uint8Array(0) });
        return;
      default:
        this.log.debug(this.scope, `agent message ${message.name} ignored`);
    }
  }

  private onAnnounce(request: number, words: number[]): void {
    const first = this.clientCaps === null;
    this.clientCaps = Caps.fromWords(words);
    const ours = this.caps;
    this.set = agent.agentMessagesFor({
      clipboardSelection: ours.has(AgentCaps.ClipboardSelection) && this.clientCaps.has(AgentCaps.ClipboardSelection),
    });
    if (request) this.send("AnnounceCapabilities", { request: 0, caps: ours.toWords() });
    if (first && this.clipboards && this.clientCaps.has(AgentCaps.ClipboardByDemand)) {
      const text = this.offered ?? this.options.currentClipboard?.();
      if (text !== undefined) {
        this.offered = text;
        this.grab();
      }
    }
  }

  private onMonitorsConfig(monitors: agent.AgentMonConfig[]): void {
    const first = monitors.find((m) => m.width > 0 && m.height > 0);
    if (!first || !this.target.requestResize || first.width > 16384 || first.height > 16384) {
      this.reply(AgentMsg.MonitorsConfig, false);
      return;
    }
    this.target.requestResize(first.width, first.height);
    this.reply(AgentMsg.MonitorsConfig, true);
  }

  private onClipboardGrab(selection: number | undefined, types: number[]): void {
    if ((selection ?? Selection.Clipboard) !== Selection.Clipboard || !this.clipboards) return;
    // The client owns the clipboard now; ask for its text straight away (the desktop has
    // no way to ask later, when something pastes).
    this.offered = undefined;
    if (types.includes(ClipType.Utf8Text)) this.send("ClipboardRequest", { selection: Selection.Clipboard, type: ClipType.Utf8Text });
  }

  private onClipboardRequest(selection: number | undefined, type: number): void {
    const sel = selection ?? Selection.Clipboard;
    const text = sel === Selection.Clipboard && type === ClipType.Utf8Text ? this.offered : undefined;
    const data = text === undefined ? undefined : new TextEncoder().encode(text);
    const limit = Math.min(this.maxClipboard >= 0 ? this.maxClipboard : Infinity, this.maxMessage - agent.AgentHeaderSize - 8);
    if (!data || data.length > limit) {
      if (data) this.log.info(this.scope, `clipboard text of ${data.length} bytes over the limit ${limit}`);
      this.send("Clipboard", { selection: sel, type: ClipType.None, data: new Uint8Array(0) });
      return;
    }
    this.send("Clipboard", { selection: sel, type: ClipType.Utf8Text, data });
  }

  private onClipboard(selection: number | undefined, type: number, data: Uint8Array): void {
    if ((selection ?? Selection.Clipboard) !== Selection.Clipboard || type !== ClipType.Utf8Text) return;
    let end = data.length;
    while (end > 0 && data[end - 1] === 0) end--;
    this.target.setClipboard?.(new TextDecoder().decode(data.subarray(0, end)));
  }

  // ---- outgoing ------------------------------------------------------------------------

  private grab(): void {
    this.send("ClipboardGrab", { selection: Selection.Clipboard, types: [ClipType.Utf8Text] });
  }

  private reply(type: number, ok: boolean): void {
    this.send("Reply", { type, error: ok ? agent.AgentReplyError.Success : agent.AgentReplyError.Error });
  }

  private send<K extends keyof agent.AgentMessageSet["defs"] & string>(name: K, body: Parameters<typeof agent.encodeAgentMessage<K>>[2]): void {
    const bytes = agent.encodeAgentMessage(this.set, name, body);
    if (bytes.length > this.maxMessage) {
      this.log.info(this.scope, `agent message ${name} of ${bytes.length} bytes not sent (over ${this.maxMessage})`);
      return;
    }
    if (this.queuedBytes + bytes.length > MAX_QUEUED) {
      this.log.warn(this.scope, `agent message ${name} dropped: the client is not taking agent data`);
      return;
    }
    for (const chunk of chunkAgentMessage(bytes)) {
      this.queue.push(chunk);
      this.queuedBytes += chunk.length;
    }
    this.flush();
  }

  private flush(): void {
    while (this.serverTokens > 0 && this.queue.length > 0) {
      const chunk = this.queue.shift()!;
      this.queuedBytes -= chunk.length;
      this.serverTokens--;
      this.link.sendData(chunk);
    }
  }
}
