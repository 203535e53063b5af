import { ChannelType, main, type LinkOutcome, type MessageSet } from "@saffron/protocol";
import type { Connection } from "../../net/connection.js";
import { ServerChannel, type ServerChannelContext, type ServerHandlerTable } from "../base/server-channel.js";
import { AgentEmulator, type AgentTarget } from "./agent-emulator.js";
import { NetTest, type NetTestResult } from "./net-test.js";

type S = typeof main.mainServer.defs;
type C = typeof main.mainClient.defs;

export interface MainChannelOptions {
  sessionId: number;
  /** Channels offered in CHANNELS_LIST (besides main). */
  channels: { type: number; id: number }[];
  /** The source can place the pointer absolutely: offer CLIENT mouse mode. */
  clientMouse: boolean;
  name?: string;
  /** Called when the client changes mouse mode. */
  onMouseMode?(mode: number): void;
  /**
   * What an emulated vdagent acts on (the source). When it can resize or take clipboard
   * text, MAIN_INIT says an agent is connected and the agent stream is answered here.
   */
  agent?: AgentTarget;
  /** The desktop's clipboard text now (offered to the client when its agent starts). */
  currentClipboard?(): string | undefined;
  /**
   * Run spice-server's network test right after MAIN_INIT (three PINGs, the last with
   * 250 KiB of padding) to tell slow links from fast ones (`--jpeg-wan auto`). Default false.
   */
  netTest?: boolean;
}

/** The server half of MAIN: MAIN_INIT, CHANNELS_LIST after ATTACH_CHANNELS, mouse modes, the emulated agent. */
export class ServerMainChannel extends ServerChannel<S, C> {
  readonly type = ChannelType.Main;
  protected readonly server: MessageSet<S> = main.mainServer;
  protected readonly client: MessageSet<C> = main.mainClient;
  mouseMode: number = main.MouseMode.Server;
  private readonly started = Date.now();
  /** The emulated vdagent, when the source has something for one to do. */
  readonly agent: AgentEmulator | undefined;
  private netTest?: NetTest;
  /** The network test's outcome (undefined until the client answered its three PINGs). */
  netTestResult: NetTestResult | undefined;

  constructor(conn: Connection, link: LinkOutcome, ctx: ServerChannelContext, private readonly opts: MainChannelOptions) {
    super(conn, link, 0, ctx);
    if (opts.agent && AgentEmulator.supports(opts.agent)) {
      this.agent = new AgentEmulator(
        {
          sendData: (data) => this.sendMessage("AgentData", { data }),
          sendTokens: (numTokens) => this.sendMessage("AgentToken", { numTokens }),
        },
        opts.agent,
        { log: ctx.log, scope: this.name, currentClipboard: opts.currentClipboard },
      );
    }
  }

  /** The desktop's clipboard changed: offer the text to this client (through the agent). */
  desktopClipboard(text: string): void {
    this.agent?.desktopClipboard(text);
  }

  get supportedMouseModes(): number {
    return main.MouseMode.Server | (this.opts.clientMouse ? main.MouseMode.Client : 0);
  }

  /** Multimedia time (ms) as the server clock for streams. */
  get mmTime(): number {
    return (Date.now() - this.started) >>> 0;
  }

  protected override onStart(): void {
    this.sendMessage("Init", {
      sessionId: this.opts.sessionId,
      displayChannelsHint: 1,
      supportedMouseModes: this.supportedMouseModes,
      currentMouseMode: this.mouseMode,
      agentConnected: this.agent ? 1 : 0,
      agentTokens: this.agent?.clientWindow ?? 10,
      multiMediaTime: this.mmTime,
      ramHint: 128 * 1024 * 1024,
    });
    if (this.opts.name) this.sendMessage("Name", { name: new TextEncoder().encode(this.opts.name + "\0") });
    if (this.opts.netTest) {
      const test = (this.netTest = new NetTest(this.nextPingId()));
      this.nextPingId();
      this.nextPingId();
      for (const p of test.pings()) {
        test.sent(p.id);
        this.sendPing(p.id, p.padding);
      }
    } else this.ping();
  }

  /** Is the client on a slow link (network test below 10 Mibit/s)? False until the test completed. */
  get lowBandwidth(): boolean {
    return this.netTestResult?.lowBandwidth ?? false;
  }

  protected override onPong(id: number): void {
    const test = this.netTest;
    if (!test?.owns(id) || this.netTestResult) return;
    const r = test.pong(id);
    if (!r) return;
    this.netTestResult = r;
    this.log.info(this.name, `net test: latency ${r.latencyMs.toFixed(2)} ms, ${(r.bitsPerSecond / 1e6).toFixed(1)} Mbit/s${r.lowBandwidth ? " (low bandwidth)" : ""}`);
  }

  protected readonly handlers: ServerHandlerTable<C> = {
    AttachChannels: () => this.sendMessage("ChannelsList", { channels: this.opts.channels }),
    MouseModeRequest: (b) => {
      if (b.mode & this.supportedMouseModes && (b.mode === main.MouseMode.Server || b.mode === main.MouseMode.Client)) {
        this.mouseMode = b.mode;
        this.opts.onMouseMode?.(b.mode);
      }
      this.sendMessage("MouseMode", { supportedModes: this.supportedMouseModes, currentMode: this.mouseMode });
    },
    ClientInfo: () => {},
    // A fault in the agent stream (no token, over-size message) throws a SpiceError,
    // which closes this channel.
    AgentStart: (b) => this.agent?.start(b.numTokens),
    AgentData: (b) => this.agent?.receive(b.data),
    AgentToken: (b) => this.agent?.addTokens(b.numTokens),
  };
}
