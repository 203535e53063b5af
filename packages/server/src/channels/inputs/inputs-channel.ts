import { Caps, ChannelType, inputs, type LinkOutcome, type MessageSet } from "@saffron/protocol";
import type { Connection } from "../../net/connection.js";
import type { DisplaySource } from "../../sources/display-source.js";
import { ServerChannel, type ServerChannelContext, type ServerHandlerTable } from "../base/server-channel.js";

type S = typeof inputs.inputsServer.defs;
type C = typeof inputs.inputsClient.defs;

/** The capabilities the server advertises on INPUTS. */
export function inputsServerCaps(): Caps {
  return Caps.of(inputs.InputsCaps.KeyScancode);
}

/**
 * The server half of INPUTS: keys (KEY_SCANCODE byte sequences or KEY_DOWN/KEY_UP codes)
 * and mouse events go to the source; MOUSE_MOTION_ACK after every 4 motions.
 */
export class ServerInputsChannel extends ServerChannel<S, C> {
  readonly type = ChannelType.Inputs;
  protected readonly server: MessageSet<S> = inputs.inputsServer;
  protected readonly client: MessageSet<C> = inputs.inputsClient;
  private motions = 0;
  keysReceived = 0;

  constructor(conn: Connection, link: LinkOutcome, ctx: ServerChannelContext, private readonly source: DisplaySource) {
    super(conn, link, 0, ctx);
  }

  protected override onStart(): void {
    this.sendMessage("Init", { keyboardModifiers: 0 });
  }

  /** Feeds a set-1 byte sequence to the source, one key event per (prefixed) scancode. */
  private scancodeBytes(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      let b = bytes[i]!;
      if (b === 0) break;
      let prefix = 0;
      if ((b === 0xe0 || b === 0xe1) && i + 1 < bytes.length) {
        prefix = b;
        b = bytes[++i]!;
        if (prefix === 0xe1) {
          // Pause: E1 1D 45 E1 9D C5; deliver as one press of 0xE11D45 and skip the rest.
          this.source.key?.(0xe11d45, (b & 0x80) === 0);
          i += 1;
          continue;
        }
      }
      const down = (b & 0x80) === 0;
      const code = (prefix ? prefix << 8 : 0) | (b & 0x7f);
      this.keysReceived++;
      this.source.key?.(code, down);
    }
  }

  private motionAck(): void {
    if (++this.motions % inputs.MotionAckBunch === 0) this.sendMessage("MouseMotionAck", {});
  }

  protected readonly handlers: ServerHandlerTable<C> = {
    KeyScancode: (b) => this.scancodeBytes(b.data),
    KeyDown: (b) => this.scancodeBytes(u32Bytes(b.code)),
    KeyUp: (b) => this.scancodeBytes(u32Bytes(b.code)),
    KeyModifiers: () => {},
    MousePosition: (b) => {
      this.source.pointerPosition?.(b.x, b.y, b.buttonsState);
      this.motionAck();
    },
    MouseMotion: (b) => {
      this.source.pointerMotion?.(b.dx, b.dy, b.buttonsState);
      this.motionAck();
    },
    MousePress: (b) => this.source.pointerButton?.(b.button, true, b.buttonsState),
    MouseRelease: (b) => this.source.pointerButton?.(b.button, false, b.buttonsState),
  };
}

function u32Bytes(code: number): Uint8Array {
  return Uint8Array.of(code & 0xff, (code >>> 8) & 0xff, (code >>> 16) & 0xff, (code >>> 24) & 0xff);
}
