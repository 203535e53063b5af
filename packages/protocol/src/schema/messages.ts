import { SpiceError } from "../wire/errors.js";
import { ByteWriter } from "../wire/byte-writer.js";
import { decode, encode, type Codec, type Infer } from "./codec.js";

/** A message table: PascalCase name -> [wire id, body codec]. */
export type MessageDefs = Record<string, readonly [number, Codec<any>]>;

export type MessageIds<M extends MessageDefs> = { readonly [K in keyof M]: M[K][0] };
export type MessageBody<M extends MessageDefs, K extends keyof M> = Infer<M[K][1]>;

/** A decoded message: its wire type, its schema name and its typed body. */
export type DecodedMessage<M extends MessageDefs> = {
  [K in keyof M & string]: { type: M[K][0]; name: K; body: Infer<M[K][1]> };
}[keyof M & string];

export interface MessageInfo {
  readonly id: number;
  readonly name: string;
  readonly codec: Codec<unknown>;
}

export interface MessageSet<M extends MessageDefs> {
  /** e.g. "display.server" */
  readonly scope: string;
  readonly defs: M;
  /** name -> wire id, as a const object (DisplayServerMsg.DrawCopy === 304). */
  readonly ids: MessageIds<M>;
  info(type: number): MessageInfo | undefined;
  /** Parses a body; unknown types throw ERR_SPICE_UNKNOWN_MESSAGE. */
  decode(type: number, body: Uint8Array): DecodedMessage<M>;
  encode<K extends keyof M & string>(name: K, body: Infer<M[K][1]>, w?: ByteWriter): Uint8Array;
}

/** Builds the readers, writers and id table of one direction of one channel. */
export function defineMessages<const M extends MessageDefs>(scope: string, defs: M): MessageSet<M> {
  const ids: Record<string, number> = {};
  const byId = new Map<number, MessageInfo>();
  for (const [name, [id, codec]] of Object.entries(defs)) {
    if (byId.has(id)) throw new Error(`${scope}: duplicate message id ${id} (${name}, ${byId.get(id)!.name})`);
    ids[name] = id;
    byId.set(id, { id, name, codec });
  }
  Object.freeze(ids);
  return {
    scope,
    defs,
    ids: ids as MessageIds<M>,
    info: (type) => byId.get(type),
    decode(type, body) {
      const info = byId.get(type);
      if (!info) throw new SpiceError("ERR_SPICE_UNKNOWN_MESSAGE", `${scope}: unknown message type ${type}`);
      return { type, name: info.name, body: decode(info.codec, body) } as DecodedMessage<M>;
    },
    encode(name, body, w) {
      const def = defs[name];
      if (!def) throw new Error(`${scope}: no message ${name}`);
      return encode(def[1], body, w);
    },
  };
}
