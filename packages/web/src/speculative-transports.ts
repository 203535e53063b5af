import type { ByteTransport, ChannelAddress, TransportFactory } from "@saffron/client";
import { ChannelType } from "@saffron/protocol";

interface Early {
  transport: Promise<ByteTransport | undefined>;
  dead: boolean;
}

/**
 * Opens the transports of the channels a session will likely want (display, inputs, cursor ...)
 * while its main channel links, so that once the server has listed its channels only their
 * SPICE link remains to do. A transport is only opened early, never linked: the link needs the
 * session id that main's INIT brings. Channels then take an early transport of their type (id 0)
 * when one is open, else open their own; `dispose()` closes the ones nobody took.
 */
export class SpeculativeTransports {
  private readonly early = new Map<number, Early>();
  /** Channel types the session asked for (an early socket not opened yet is then not opened). */
  private readonly claimed = new Set<number>();
  private started = false;
  private disposed = false;

  constructor(
    private readonly inner: TransportFactory,
    private readonly channelTypes: readonly number[],
  ) {}

  wrap(): TransportFactory {
    return (address: ChannelAddress) => {
      if (address.channelType === ChannelType.Main && !this.started && !this.disposed) {
        this.started = true;
        const main = this.inner(address);
        this.openOthersSoon();
        return main;
      }
      if (address.channelId === 0) this.claimed.add(address.channelType);
      const e = address.channelId === 0 ? this.early.get(address.channelType) : undefined;
      if (!e) return this.inner(address);
      this.early.delete(address.channelType);
      return e.transport.then((t) => (t && !e.dead ? t : this.inner(address)));
    };
  }

  /**
   * Opens every transport now, the main channel's first, before the session asks for any (the
   * page knows where it will connect before it has all it needs to start the session).
   */
  preopen(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    // The main channel's too: the session takes it like the others (a dead one is replaced).
    this.open({ channelType: ChannelType.Main, channelId: 0 });
    this.openOthersSoon();
  }

  /**
   * The other channels' sockets, in the next task: after main's is on its way (main stays first
   * in the server's accept queue), and out of the way of main's link. Creating a WebSocket takes
   * a few ms on a busy page, and main's handshake is a wait anyway; the others are only needed
   * once main's INIT has come.
   */
  private openOthersSoon(): void {
    setTimeout(() => {
      if (this.disposed) return;
      for (const type of this.channelTypes) if (!this.early.has(type) && !this.claimed.has(type)) this.open({ channelType: type, channelId: 0 });
    }, 0);
  }

  private open(address: ChannelAddress): void {
    const e: Early = { dead: false, transport: Promise.resolve(undefined) };
    e.transport = this.inner(address).then(
      (t) => {
        // Replaced by the channel's own listener once it takes the transport.
        t.onClose(() => (e.dead = true));
        return t;
      },
      () => ((e.dead = true), undefined),
    );
    this.early.set(address.channelType, e);
  }

  /** Closes the early transports no channel took (call once the session has opened its channels). */
  dispose(): void {
    this.disposed = true;
    for (const e of this.early.values()) void e.transport.then((t) => t?.close());
    this.early.clear();
  }
}
