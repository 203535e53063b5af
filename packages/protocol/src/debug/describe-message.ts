import { channelMessages, channelTypeName } from "../messages/channel-types.js";
import { decode } from "../schema/codec.js";
import { isSpiceError } from "../wire/errors.js";

/** A one-line, human-readable rendering of a decoded message, for trace logs. */

export interface DescribeOptions {
  /** Bytes shown from each Uint8Array (default 16). */
  maxBytes?: number;
  /** Array items shown before "… N more" (default 8). */
  maxItems?: number;
  /** Nesting depth before "…" (default 8). */
  maxDepth?: number;
}

/**
 * Names the message (`display.server DrawCopy (304)`) and walks its body: bigint as hex,
 * Uint8Array as its length and first bytes, long arrays shortened. A raw Uint8Array body
 * is decoded first when the message type is known (a decode failure is shown, not thrown).
 */
export function describeMessage(
  channelType: number,
  direction: "server" | "client",
  type: number,
  body: unknown,
  options: DescribeOptions = {},
): string {
  const set = channelMessages(channelType)?.[direction];
  const info = set?.info(type);
  const head = `${channelTypeName(channelType)}.${direction} ${info?.name ?? "Unknown"} (${type})`;
  if (body instanceof Uint8Array && info) {
    try {
      body = decode(info.codec, body);
    } catch (e) {
      if (!isSpiceError(e)) throw e;
      return `${head} <undecodable: ${e.code} ${e.message}> ${describeValue(body, options)}`;
    }
  }
  return `${head} ${describeValue(body, options)}`;
}

/** Renders any decoded value the way describeMessage renders bodies. */
export function describeValue(value: unknown, options: DescribeOptions = {}): string {
  const maxBytes = options.maxBytes ?? 16;
  const maxItems = options.maxItems ?? 8;
  const maxDepth = options.maxDepth ?? 8;
  const walk = (v: unknown, depth: number): string => {
    if (v === null) return "null";
    if (v === undefined) return "undefined";
    if (typeof v === "bigint") return `0x${v.toString(16)}`;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (typeof v === "string") return JSON.stringify(v);
    if (v instanceof Uint8Array) {
      const shown = Array.from(v.subarray(0, maxBytes), (b) => b.toString(16).padStart(2, "0")).join(" ");
      return `bytes[${v.length}]${v.length ? ` ${shown}${v.length > maxBytes ? " …" : ""}` : ""}`;
    }
    if (depth >= maxDepth) return "…";
    if (Array.isArray(v)) {
      const items = v.slice(0, maxItems).map((x) => walk(x, depth + 1));
      if (v.length > maxItems) items.push(`… ${v.length - maxItems} more`);
      return `[${items.join(", ")}]`;
    }
    if (typeof v === "object") {
      const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${walk(x, depth + 1)}`);
      return parts.length ? `{ ${parts.join(", ")} }` : "{}";
    }
    return String(v);
  };
  return walk(value, 0);
}
