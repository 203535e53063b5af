import { ChannelType, SpiceError, cursor as cur, type MessageSet } from "@saffron/protocol";
import { SpiceChannel, type ChannelContext, type ChannelEvents, type HandlerTable } from "../base/spice-channel.js";
import { decodeCursorShape, type CursorShape } from "./cursor-shape.js";

type CursorServerDefs = typeof cur.cursorServer.defs;
type CursorClientDefs = typeof cur.cursorClient.defs;

export interface CursorEvents extends ChannelEvents {
  /** A new shape (null: no cursor / hidden). */
  shape: (shape: CursorShape | null) => void;
  /** Pointer position from the server (meaningful in SERVER mouse mode). */
  move: (x: number, y: number) => void;
  visible: (visible: boolean) => void;
}

/** Largest number of cached cursor shapes kept (the server manages the cache; this guards memory). */
const MAX_CACHED_CURSORS = 256;

/** The CURSOR channel: shape, position, visibility and the cursor cache. */
export class CursorChannel extends SpiceChannel<CursorServerDefs, CursorClientDefs, CursorEvents> {
  readonly type = ChannelType.Cursor;
  protected readonly server: MessageSet<CursorServerDefs> = cur.cursorServer;
  protected readonly client: MessageSet<CursorClientDefs> = cur.cursorClient;

  shape: CursorShape | null = null;
  x = 0;
  y = 0;
  visible = false;
  private readonly cache = new Map<bigint, CursorShape>();

  constructor(ctx: ChannelContext, id = 0) {
    super(ctx, id);
  }

  private setCursor(c: cur.Cursor): void {
    if (c.flags & cur.CursorFlags.None || !c.header) {
      this.shape = null;
      this.emit("shape", null);
      return;
    }
    let shape: CursorShape | undefined;
    if (c.flags & cur.CursorFlags.FromCache) {
      shape = this.cache.get(c.header.unique);
      if (!shape) throw new SpiceError("ERR_CACHE_MISS", `cursor 0x${c.header.unique.toString(16)} is not in the cursor cache`);
    } else {
      shape = decodeCursorShape(c.header, c.data);
      if (c.flags & cur.CursorFlags.CacheMe) {
        this.cache.set(c.header.unique, shape);
        if (this.cache.size > MAX_CACHED_CURSORS) this.cache.delete(this.cache.keys().next().value as bigint);
      }
    }
    this.shape = shape;
    this.emit("shape", shape);
  }

  private setVisible(v: boolean): void {
    this.visible = v;
    this.emit("visible", v);
  }

  protected readonly handlers: HandlerTable<CursorServerDefs> = {
    Init: (b) => {
      this.cache.clear();
      this.x = b.position.x;
      this.y = b.position.y;
      this.setCursor(b.cursor);
      this.setVisible(b.visible !== 0);
    },
    Reset: () => {
      this.cache.clear();
      this.shape = null;
      this.emit("shape", null);
      this.setVisible(false);
    },
    Set: (b) => {
      this.x = b.position.x;
      this.y = b.position.y;
      this.setCursor(b.cursor);
      this.setVisible(b.visible !== 0);
    },
    Move: (b) => {
      this.x = b.position.x;
      this.y = b.position.y;
      this.emit("move", this.x, this.y);
    },
    Hide: () => this.setVisible(false),
    Trail: () => {},
    InvalOne: (b) => void this.cache.delete(b.id),
    InvalAll: () => this.cache.clear(),
  };
}
