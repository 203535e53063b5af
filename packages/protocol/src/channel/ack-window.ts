/**
 * ACK window flow control (protocol-map §3.3). Both classes are pure counters; the channel
 * code sends the messages they ask for.
 */

/**
 * Client side. For each received wire message call `received()` *before* handling it (so
 * SET_ACK itself is not counted in its new window); it returns true when an ACK must be
 * sent. On SET_ACK call `setAck()` and send ACK_SYNC with the generation it returns.
 */
export class ClientAckWindow {
  /** Messages per ACK; 0 disables ACKs. */
  window = 0;
  generation = 0;
  private countdown = 0;
  /** ACKs requested so far. */
  acksSent = 0;

  /** Applies SET_ACK(generation, window); returns the generation to echo in ACK_SYNC. */
  setAck(generation: number, window: number): number {
    this.generation = generation >>> 0;
    this.window = window >>> 0;
    this.countdown = this.window;
    return this.generation;
  }

  /** Counts one received wire message; true when an ACK is due now. */
  received(): boolean {
    if (this.countdown === 0) return false;
    if (--this.countdown > 0) return false;
    this.countdown = this.window;
    this.acksSent++;
    return true;
  }
}

/**
 * Server side (spice-server `RedChannelClient`): count each sent message, subtract the
 * window for each ACK of the current generation, and stop sending while more than twice
 * the window is unacknowledged. Start with `startWindow()`, send SET_ACK with its result.
 */
export class ServerAckWindow {
  /** Messages per client ACK; 0 disables flow control. */
  window: number;
  generation = 0;
  /** The generation the client confirmed with ACK_SYNC (ACKs of other generations are ignored). */
  clientGeneration = -1;
  /** Messages sent and not yet acknowledged. */
  unacked = 0;

  constructor(window = 20) {
    this.window = window >>> 0;
  }

  /** A new generation (e.g. at channel start or on a window change); send SET_ACK with these values. */
  startWindow(window = this.window): { generation: number; window: number } {
    this.window = window >>> 0;
    this.generation = (this.generation + 1) >>> 0;
    this.unacked = 0;
    return { generation: this.generation, window: this.window };
  }

  onAckSync(generation: number): void {
    this.clientGeneration = generation >>> 0;
  }

  onAck(): void {
    if (this.clientGeneration !== this.generation) return;
    this.unacked = Math.max(0, this.unacked - this.window);
  }

  /** Counts one sent wire message. */
  sent(): void {
    this.unacked++;
  }

  /** False while the client is more than two windows behind. */
  get canSend(): boolean {
    return this.window === 0 || this.unacked <= this.window * 2;
  }
}
