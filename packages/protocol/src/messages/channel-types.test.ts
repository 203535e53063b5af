import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSpiceError } from "../wire/errors.js";
import type { MessageSet } from "../schema/messages.js";
import { agentMessages, agentMessagesFor, decodeAgentMessage } from "./agent.js";
import { ChannelType, channelMessages, channelTypeName, channelTypesWithMessages, CommonCaps, DisplayCaps, LinkErr } from "./channel-types.js";
import { displayServer } from "./display.js";
import { portServer } from "./spicevmc.js";
import { samples } from "./__fixtures__/samples.js";

const RUNS = 50;

/** Runs f; any exception other than SpiceError fails the property. */
function onlySpiceErrors(f: () => unknown): boolean {
  try {
    f();
  } catch (e) {
    if (!isSpiceError(e)) throw e;
  }
  return true;
}

function allSets(): MessageSet<any>[] {
  const sets = new Set<MessageSet<any>>();
  for (const t of channelTypesWithMessages) {
    const m = channelMessages(t)!;
    sets.add(m.server);
    sets.add(m.client);
  }
  return [...sets];
}

describe("channel types", () => {
  it("maps channel types to message sets", () => {
    expect(channelMessages(ChannelType.Display).server).toBe(displayServer);
    expect(channelMessages(ChannelType.Webdav).server).toBe(portServer);
    expect(channelMessages(ChannelType.Tunnel as number)).toBeUndefined();
    expect(channelMessages(99)).toBeUndefined();
    expect(channelTypeName(ChannelType.Usbredir)).toBe("usbredir");
    expect(channelTypeName(42)).toBe("channel42");
    expect(channelTypesWithMessages).toHaveLength(10);
    expect(CommonCaps.MiniHeader).toBe(3);
    expect(LinkErr.ChannelNotAvailable).toBe(9);
    expect(DisplayCaps.CodecH265).toBe(14);
  });

  it("has a round-trip sample for every message of every set", () => {
    for (const set of allSets()) {
      for (const name of Object.keys(set.defs)) expect(samples[set.scope], `${set.scope}.${name}`).toHaveProperty(name);
    }
  });
});

describe("decoders under random input", () => {
  for (const set of allSets()) {
    it(`${set.scope}: random bytes only ever throw SpiceError`, () => {
      for (const id of Object.values<number>(set.ids)) {
        fc.assert(fc.property(fc.uint8Array({ maxLength: 96 }), (b) => onlySpiceErrors(() => set.decode(id, b))), { numRuns: RUNS });
      }
    });

    it(`${set.scope}: mutated valid messages only ever throw SpiceError`, () => {
      for (const [name, id] of Object.entries<number>(set.ids)) {
        const valid = set.encode(name, samples[set.scope]![name]);
        const mutation = fc.record({
          flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
          cut: fc.nat(),
        });
        fc.assert(
          fc.property(mutation, ({ flips, cut }) => {
            const b = valid.slice(0, valid.length - Math.floor((cut % (valid.length + 1)) / 2));
            for (const [i, v] of flips) if (b.length) b[i % b.length] = v;
            return onlySpiceErrors(() => set.decode(id, b));
          }),
          { numRuns: RUNS },
        );
      }
    });
  }

  it("agent: random bytes only ever throw SpiceError", () => {
    const sets = [agentMessages, agentMessagesFor({ clipboardSelection: true, clipboardGrabSerial: true })];
    for (const set of sets) {
      for (const id of Object.values<number>(set.ids)) {
        fc.assert(fc.property(fc.uint8Array({ maxLength: 96 }), (b) => onlySpiceErrors(() => set.decode(id, b))), { numRuns: RUNS });
      }
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => onlySpiceErrors(() => decodeAgentMessage(agentMessages, b))), { numRuns: RUNS * 4 });
  });
});
