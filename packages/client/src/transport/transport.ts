/**
 * The byte stream under one SPICE channel (TCP, TLS, WebSocket, or an in-memory pair in
 * tests). The session asks a TransportFactory for one transport per channel.
 */
export interface ByteTransport {
  /** Queues bytes for sending. Returns false when the transport's buffer is over its high-water mark. */
  send(data: Uint8Array): boolean;
  /** Registers the one data listener. Chunks arrive in order and have no relation to message boundaries. */
  onData(listener: (chunk: Uint8Array) => void): void;
  /** Called once, when the stream is closed by either side; `error` when it failed. */
  onClose(listener: (error?: Error) => void): void;
  close(): void;
  /** Stops/restarts delivery of data (backpressure towards the peer). */
  pause?(): void;
  resume?(): void;
}

export interface ChannelAddress {
  /** SPICE channel type (1 = main ...) and id, for transports that route by channel (gateways). */
  channelType: number;
  channelId: number;
}

export type TransportFactory = (address: ChannelAddress) => Promise<ByteTransport>;
