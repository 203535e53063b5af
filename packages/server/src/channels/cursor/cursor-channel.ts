import { ChannelType, cursor as cur, type LinkOutcome, type MessageSet } from "@saffron/protocol";
import type { Connection } from "../../net/connection.js";
import type { CursorImage } from "../../sources/display-source.js";
import { ServerChannel, type ServerChannelContext, type ServerHandlerTable } from "../base/server-channel.js";

type S = typeof cur.cursorServer.defs;
type C = typeof cur.cursorClient.defs;

let nextCursorId = 1n;

/** Straight RGBA to the ALPHA cursor type's premultiplied B,G,R,A bytes. */
function alphaCursorData(shape: CursorImage): Uint8Array {
  const out = new Uint8Array(shape.width * shape.height * 4);
  const s = shape.rgba;
  for (let i = 0; i < out.length; i += 4) {
    const a = s[i + 3]!;
    out[i] = Math.round((s[i + 2]! * a) / 255);
    out[i + 1] = Math.round((s[i + 1]! * a) / 255);
    out[i + 2] = Math.round((s[i]! * a) / 255);
    out[i + 3] = a;
  }
  return out;
}

/** The server half of CURSOR: shape (ALPHA type, cached by id), position, visibility. */
export class ServerCursorChannel extends ServerChannel<S, C> {
  readonly type = ChannelType.Cursor;
  protected readonly server: MessageSet<S> = cur.cursorServer;
  protected readonly client: MessageSet<C> = cur.cursorClient;
  protected override readonly usesAck = true;
  private readonly sent = new Map<CursorImage, bigint>();

  constructor(
    conn: Connection,
    link: LinkOutcome,
    ctx: ServerChannelContext,
    private readonly state: { shape: CursorImage | null; x: number; y: number },
  ) {
    super(conn, link, 0, ctx);
  }

  private wire(shape: CursorImage | null): cur.Cursor {
    if (!shape) return { flags: cur.CursorFlags.None, header: null, data: new Uint8Array(0) };
    const known = this.sent.get(shape);
    const header = { unique: known ?? nextCursorId++, type: cur.CursorType.Alpha, width: shape.width, height: shape.height, hotSpotX: shape.hotX, hotSpotY: shape.hotY };
    if (known !== undefined) return { flags: cur.CursorFlags.FromCache, header, data: new Uint8Array(0) };
    if (this.sent.size >= 64) {
      this.sent.clear();
      this.sendMessage("InvalAll", {});
    }
    this.sent.set(shape, header.unique);
    return { flags: cur.CursorFlags.CacheMe, header, data: alphaCursorData(shape) };
  }

  protected override onStart(): void {
    const s = this.state;
    this.sendMessage("Init", { position: { x: s.x, y: s.y }, trailLength: 0, trailFrequency: 0, visible: s.shape ? 1 : 0, cursor: this.wire(s.shape) });
  }

  setShape(shape: CursorImage | null): void {
    this.sendMessage("Set", { position: { x: this.state.x, y: this.state.y }, visible: shape ? 1 : 0, cursor: this.wire(shape) });
  }

  move(x: number, y: number): void {
    if (this.canSend) this.sendMessage("Move", { position: { x, y } });
  }

  protected readonly handlers: ServerHandlerTable<C> = {};
}
