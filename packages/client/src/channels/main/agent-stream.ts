import { SpiceError, agent } from "@saffron/protocol";

const HEADER = agent.AgentHeaderSize;

/** What the reader hands back per chunk: whole messages (header + body) and faults. */
export interface AgentStreamOutput {
  messages: Uint8Array[];
  errors: SpiceError[];
}

/**
 * Reassembles the vdagent stream from MAIN AGENT_DATA chunks (protocol-map §10): a message
 * may span chunks and a chunk may hold several messages. A message that declares more than
 * `maxMessageSize` body bytes is reported and skipped (its bytes are read and dropped), so
 * the buffer never grows past the bound.
 */
export class AgentStreamReader {
  private readonly header = new Uint8Array(HEADER);
  private headerFill = 0;
  private message?: Uint8Array;
  private messageFill = 0;
  private skip = 0;

  constructor(readonly maxMessageSize: number) {}

  /** Forgets a partial message (the agent went away). */
  reset(): void {
    this.headerFill = 0;
    this.message = undefined;
    this.messageFill = 0;
    this.skip = 0;
  }

  push(chunk: Uint8Array): AgentStreamOutput {
    const out: AgentStreamOutput = { messages: [], errors: [] };
    let pos = 0;
    while (pos < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - pos);
        this.skip -= n;
        pos += n;
        continue;
      }
      if (this.message) {
        const n = Math.min(this.message.length - this.messageFill, chunk.length - pos);
        this.message.set(chunk.subarray(pos, pos + n), this.messageFill);
        this.messageFill += n;
        pos += n;
        if (this.messageFill === this.message.length) {
          out.messages.push(this.message);
          this.message = undefined;
        }
        continue;
      }
      const n = Math.min(HEADER - this.headerFill, chunk.length - pos);
      this.header.set(chunk.subarray(pos, pos + n), this.headerFill);
      this.headerFill += n;
      pos += n;
      if (this.headerFill < HEADER) break;
      this.headerFill = 0;
      const size = new DataView(this.header.buffer).getUint32(16, true);
      if (size > this.maxMessageSize) {
        const type = new DataView(this.header.buffer).getUint32(4, true);
        out.errors.push(new SpiceError("ERR_SPICE_TOO_LARGE", `agent message type ${type} declares ${size} bytes, over the limit ${this.maxMessageSize}; skipped`));
        this.skip = size;
        continue;
      }
      this.message = new Uint8Array(HEADER + size);
      this.message.set(this.header);
      this.messageFill = HEADER;
      if (size === 0) {
        out.messages.push(this.message);
        this.message = undefined;
      }
    }
    return out;
  }
}

/** Cuts one whole agent message into AGENT_DATA chunks of at most `max` bytes (views, no copies). */
export function agentChunks(message: Uint8Array, max = agent.AgentMaxDataSize): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let pos = 0; pos < message.length; pos += max) chunks.push(message.subarray(pos, Math.min(pos + max, message.length)));
  return chunks;
}
