import { SpiceError, agent } from "@saffron/protocol";

/** The largest agent message (header included) the server accepts from a client. */
export const DefaultMaxAgentMessage = 1024 * 1024;

/**
 * Reassembles the client's vdagent stream: AGENT_DATA chunks are cut anywhere (a message
 * may span chunks, and in principle a chunk may end one message and start the next), so
 * the chunks are treated as one byte stream of VDAgentMessage headers, each followed by
 * `size` body bytes (protocol-map §4.1, §10).
 */
export class AgentStreamReader {
  private header = new Uint8Array(agent.AgentHeaderSize);
  private headerFill = 0;
  private body: Uint8Array | null = null;
  private bodyFill = 0;

  constructor(private readonly maxMessage = DefaultMaxAgentMessage) {}

  /** Bytes of a message started but not complete. */
  get partial(): number {
    return this.body ? agent.AgentHeaderSize + this.bodyFill : this.headerFill;
  }

  /**
   * Takes one chunk; returns the messages it completes, each as header + body bytes
   * (ready for `agent.decodeAgentMessage`). A message declaring more than the limit is a
   * SpiceError ERR_SPICE_TOO_LARGE; a wrong protocol number ERR_SPICE_MALFORMED. After an
   * error the stream is out of step and must not be used again.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (!this.body) {
        const n = Math.min(agent.AgentHeaderSize - this.headerFill, chunk.length - pos);
        this.header.set(chunk.subarray(pos, pos + n), this.headerFill);
        this.headerFill += n;
        pos += n;
        if (this.headerFill < agent.AgentHeaderSize) break;
        const view = new DataView(this.header.buffer);
        const protocol = view.getUint32(0, true);
        const size = view.getUint32(16, true);
        if (protocol !== agent.AgentProtocol) {
          throw new SpiceError("ERR_SPICE_MALFORMED", `agent message protocol ${protocol}, expected ${agent.AgentProtocol}`);
        }
        if (agent.AgentHeaderSize + size > this.maxMessage) {
          throw new SpiceError("ERR_SPICE_TOO_LARGE", `agent message of ${size} bytes over limit ${this.maxMessage - agent.AgentHeaderSize}`);
        }
        this.body = new Uint8Array(agent.AgentHeaderSize + size);
        this.body.set(this.header);
        this.bodyFill = 0;
      }
      const need = this.body.length - agent.AgentHeaderSize - this.bodyFill;
      const n = Math.min(need, chunk.length - pos);
      this.body.set(chunk.subarray(pos, pos + n), agent.AgentHeaderSize + this.bodyFill);
      this.bodyFill += n;
      pos += n;
      if (agent.AgentHeaderSize + this.bodyFill === this.body.length) {
        out.push(this.body);
        this.body = null;
        this.headerFill = 0;
      }
    }
    return out;
  }
}

/** Cuts one whole agent message into AGENT_DATA chunks of at most `max` bytes (2048). */
export function chunkAgentMessage(message: Uint8Array, max: number = agent.AgentMaxDataSize): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let pos = 0; pos < message.length; pos += max) chunks.push(message.subarray(pos, Math.min(message.length, pos + max)));
  return chunks;
}
