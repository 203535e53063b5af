import { describe, expect, it } from "vitest";
import { SpiceError, agent } from "@saffron/protocol";
import { AgentStreamReader, chunkAgentMessage } from "./agent-stream.js";

const set = agent.agentMessages;
const clip = (n: number) => agent.encodeAgentMessage(set, "Clipboard", { type: 1, data: new Uint8Array(n).map((_, i) => i & 0xff) });

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
}

describe("chunkAgentMessage", () => {
  it("cuts at 2048 bytes with the header in the first chunk", () => {
    const msg = clip(5000);
    const chunks = chunkAgentMessage(msg);
    expect(chunks.map((c) => c.length)).toEqual([2048, 2048, 5024 - 4096]);
    expect(concat(chunks)).toEqual(msg);
    expect(chunkAgentMessage(clip(0))).toHaveLength(1);
    expect(chunkAgentMessage(clip(2024))).toHaveLength(1);
    expect(chunkAgentMessage(clip(2025))).toHaveLength(2);
  });
});

describe("AgentStreamReader", () => {
  it("reassembles messages spanning chunks, and several messages in one chunk", () => {
    const a = clip(4100), b = clip(3), c = agent.encodeAgentMessage(set, "Reply", { type: 2, error: 1 });
    const r = new AgentStreamReader();
    const got: Uint8Array[] = [];
    for (const ch of chunkAgentMessage(a)) got.push(...r.push(ch));
    expect(got).toEqual([a]);
    // b and c glued, then cut inside c's header.
    const glued = concat([b, c]);
    expect(r.push(glued.subarray(0, b.length + 7))).toEqual([b]);
    expect(r.partial).toBe(7);
    expect(r.push(glued.subarray(b.length + 7))).toEqual([c]);
    expect(agent.decodeAgentMessage(set, c).message).toEqual({ name: "Reply", type: 3, body: { type: 2, error: 1 } });
  });

  it("takes the stream one byte at a time", () => {
    const msgs = [clip(10), clip(0), clip(100)];
    const all = concat(msgs);
    const r = new AgentStreamReader();
    const got: Uint8Array[] = [];
    for (let i = 0; i < all.length; i++) got.push(...r.push(all.subarray(i, i + 1)));
    expect(got).toEqual(msgs);
  });

  it("refuses a message declaring more than the limit before allocating it", () => {
    const r = new AgentStreamReader(1024 * 1024);
    const header = new Uint8Array(20);
    const v = new DataView(header.buffer);
    v.setUint32(0, 1, true);
    v.setUint32(16, 1024 * 1024, true); // + 20 header bytes: over 1 MiB
    expect(() => r.push(header)).toThrow(expect.objectContaining({ code: "ERR_SPICE_TOO_LARGE" }));
    v.setUint32(16, 1024 * 1024 - 20, true);
    expect(new AgentStreamReader(1024 * 1024).push(header)).toEqual([]);
  });

  it("refuses a wrong protocol number", () => {
    const bad = clip(4);
    bad[0] = 2;
    let err: unknown;
    try {
      new AgentStreamReader().push(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpiceError);
    expect((err as SpiceError).code).toBe("ERR_SPICE_MALFORMED");
  });
});
