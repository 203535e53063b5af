import { Caps, ChannelType, MainCaps, main, type MessageSet } from "@saffron/protocol";
import { SpiceChannel, type ChannelContext, type ChannelEvents, type HandlerTable } from "../base/spice-channel.js";

type MainServerDefs = typeof main.mainServer.defs;
type MainClientDefs = typeof main.mainClient.defs;

export interface ChannelListEntry {
  type: number;
  id: number;
}

export interface MainEvents extends ChannelEvents {
  init: (init: main.MainInit) => void;
  "channels-list": (channels: ChannelListEntry[]) => void;
  "mouse-mode": (current: number, supported: number) => void;
  "agent-connected": (connected: boolean) => void;
  "agent-data": (chunk: Uint8Array) => void;
  /** The server granted more agent tokens (the new total). */
  "agent-tokens": (tokens: number) => void;
  name: (name: string) => void;
  uuid: (uuid: Uint8Array) => void;
}

export interface MainOptions {
  /** Ask for CLIENT mouse mode (absolute positions) when the server supports it. Default true. */
  clientMouseMode?: boolean;
}

/**
 * The MAIN channel: session id, channel list, mouse mode, multimedia time, and the vdagent
 * stream with its token accounting (protocol-map §4.1).
 */
export class MainChannel extends SpiceChannel<MainServerDefs, MainClientDefs, MainEvents> {
  readonly type = ChannelType.Main;
  protected readonly server: MessageSet<MainServerDefs> = main.mainServer;
  protected readonly client: MessageSet<MainClientDefs> = main.mainClient;

  init?: main.MainInit;
  channels: ChannelListEntry[] = [];
  mouseMode = 0;
  supportedMouseModes = 0;
  agentConnected = false;
  /** Agent messages the client may still send (granted by the server). */
  agentTokens = 0;
  serverName?: string;
  uuid?: Uint8Array;
  /** Server multimedia time (ms) at `mmTimeAt` (local ms). */
  mmTime = 0;
  mmTimeAt = 0;

  constructor(
    ctx: ChannelContext,
    private readonly options: MainOptions = {},
  ) {
    super(ctx, 0);
  }

  protected override channelCaps(): Caps {
    return Caps.of(MainCaps.NameAndUuid, MainCaps.AgentConnectedTokens);
  }

  /** Server multimedia time now (ms), extrapolated from the last MULTI_MEDIA_TIME. */
  get multimediaTime(): number {
    return (this.mmTime + (Date.now() - this.mmTimeAt)) >>> 0;
  }

  requestMouseMode(mode: number): void {
    this.send("MouseModeRequest", { mode });
  }

  /**
   * Sends one AGENT_DATA chunk (≤ 2048 bytes of the vdagent stream; see protocol-map §10).
   * Costs one of the tokens the server granted; returns false (nothing sent) without one.
   */
  sendAgentData(chunk: Uint8Array): boolean {
    if (!this.agentConnected || this.agentTokens <= 0) return false;
    this.agentTokens--;
    this.send("AgentData", { data: chunk });
    return true;
  }

  private startAgent(tokens: number): void {
    this.agentConnected = true;
    this.agentTokens = tokens;
    this.send("AgentStart", { numTokens: 10 });
    this.emit("agent-connected", true);
  }

  protected readonly handlers: HandlerTable<MainServerDefs> = {
    Init: (b) => {
      this.init = b;
      this.mouseMode = b.currentMouseMode;
      this.supportedMouseModes = b.supportedMouseModes;
      this.mmTime = b.multiMediaTime;
      this.mmTimeAt = Date.now();
      this.emit("init", b);
      if (b.agentConnected) this.startAgent(b.agentTokens);
      this.send("AttachChannels", {});
      const wantClient = this.options.clientMouseMode ?? true;
      if (wantClient && b.supportedMouseModes & main.MouseMode.Client && b.currentMouseMode !== main.MouseMode.Client) {
        this.requestMouseMode(main.MouseMode.Client);
      }
    },
    ChannelsList: (b) => {
      this.channels = b.channels.map((c) => ({ type: c.type, id: c.id }));
      this.emit("channels-list", this.channels);
    },
    MouseMode: (b) => {
      this.mouseMode = b.currentMode;
      this.supportedMouseModes = b.supportedModes;
      this.emit("mouse-mode", b.currentMode, b.supportedModes);
    },
    MultiMediaTime: (b) => {
      this.mmTime = b.time;
      this.mmTimeAt = Date.now();
    },
    AgentConnected: () => this.startAgent(0),
    AgentConnectedTokens: (b) => this.startAgent(b.numTokens),
    AgentDisconnected: () => {
      this.agentConnected = false;
      this.emit("agent-connected", false);
    },
    AgentToken: (b) => {
      this.agentTokens += b.numTokens;
      this.emit("agent-tokens", this.agentTokens);
    },
    AgentData: (b) => {
      this.emit("agent-data", b.data);
      // Give the server back the token it spent.
      this.send("AgentToken", { numTokens: 1 });
    },
    Name: (b) => {
      this.serverName = new TextDecoder().decode(b.name).replace(/\0+$/, "");
      this.emit("name", this.serverName);
    },
    Uuid: (b) => {
      this.uuid = b.uuid.slice();
      this.emit("uuid", this.uuid);
    },
    Ping: () => {},
    MigrateBegin: () => this.ctx.log.warn(this.name, "migration is not supported; staying on this server"),
    MigrateBeginSeamless: () => this.ctx.log.warn(this.name, "seamless migration is not supported"),
    MigrateCancel: () => {},
    MigrateEnd: () => {},
    MigrateSwitchHost: () => this.ctx.log.warn(this.name, "switch-host migration is not supported"),
    MigrateDstSeamlessAck: () => {},
    MigrateDstSeamlessNack: () => {},
  };
}
