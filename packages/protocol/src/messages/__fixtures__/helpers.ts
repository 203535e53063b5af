import { expect } from "vitest";
import type { MessageSet } from "../../schema/messages.js";

/** Test-only helpers shared by the channel schema tests. */

export const hex = (s: string): Uint8Array => {
  const clean = s.replace(/\s+/g, "");
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
};

export const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

/** Encodes `value`, decodes it back, and checks value and bytes survive unchanged. */
export function roundTrip(set: MessageSet<any>, name: string, value: unknown): Uint8Array {
  const encoded = set.encode(name, value);
  const m = set.decode(set.ids[name], encoded);
  expect(m.name).toBe(name);
  expect(m.body).toEqual(value);
  expect(set.encode(name, m.body)).toEqual(encoded);
  return encoded;
}

/** Decodes a wire fixture, checks re-encoding gives the same bytes, returns the body. */
export function decodeFixture(set: MessageSet<any>, name: string, body: Uint8Array): any {
  const m = set.decode(set.ids[name], body);
  expect(m.name).toBe(name);
  expect(set.encode(name, m.body)).toEqual(body);
  return m.body;
}
