import { Caps, ChannelType, inputs, type MessageSet } from "@saffron/protocol";
import { SpiceChannel, type ChannelContext, type ChannelEvents, type HandlerTable } from "../base/spice-channel.js";

type InputsServerDefs = typeof inputs.inputsServer.defs;
type InputsClientDefs = typeof inputs.inputsClient.defs;

export interface InputsEvents extends ChannelEvents {
  modifiers: (modifiers: number) => void;
}

/**
 * The INPUTS channel: keys as PC set-1 scancodes, mouse motion (server mode), position
 * (client mode), buttons and wheel, with the MOUSE_MOTION_ACK flow control of spice-gtk:
 * motion is coalesced while 2 x 4 motions are unacknowledged.
 *
 * The server acknowledges every 4th motion/position message at once, so the time from
 * sending that message to its ACK is a round trip: `rtt` (spice-server's PINGs cannot give
 * the client one: it sends each latency pair back to back and keeps the result).
 */
export class InputsChannel extends SpiceChannel<InputsServerDefs, InputsClientDefs, InputsEvents> {
  readonly type = ChannelType.Inputs;
  protected readonly server: MessageSet<InputsServerDefs> = inputs.inputsServer;
  protected readonly client: MessageSet<InputsClientDefs> = inputs.inputsClient;

  modifiers = 0;
  buttons = 0;
  private unacked = 0;
  private pendingMotion: { dx: number; dy: number } | null = null;
  private pendingPosition: { x: number; y: number; displayId: number } | null = null;
  private motionsSent = 0;
  private readonly ackWaits: number[] = [];
  /** Last measured round-trip time in ms (MOUSE_MOTION_ACK), undefined before the mouse moved enough. */
  rtt?: number;

  constructor(ctx: ChannelContext, id = 0) {
    super(ctx, id);
  }

  protected override channelCaps(): Caps {
    return new Caps();
  }

  /** Sends a scancode byte sequence (KEY_SCANCODE when the server has it, else KEY_DOWN/KEY_UP). */
  sendScancodeBytes(bytes: Uint8Array, down: boolean): void {
    if (this.serverHasCap(inputs.InputsCaps.KeyScancode)) {
      this.send("KeyScancode", { data: bytes });
      return;
    }
    let code = 0;
    for (let i = bytes.length - 1; i >= 0; i--) code = ((code << 8) | bytes[i]!) >>> 0;
    this.send(down ? "KeyDown" : "KeyUp", { code });
  }

  /** Key press or release of a set-1 scancode (0xE0xx for extended keys). */
  key(scancode: number, down: boolean): void {
    const extended = scancode > 0xff;
    const sc = (scancode & 0xff) | (down ? 0 : 0x80);
    this.sendScancodeBytes(extended ? Uint8Array.of(scancode >> 8, sc) : Uint8Array.of(sc), down);
  }

  setModifiers(modifiers: number): void {
    this.send("KeyModifiers", { modifiers });
  }

  /** Relative motion (SERVER mouse mode). */
  motion(dx: number, dy: number): void {
    if (this.unacked >= 2 * inputs.MotionAckBunch) {
      const p = (this.pendingMotion ??= { dx: 0, dy: 0 });
      p.dx += dx;
      p.dy += dy;
      return;
    }
    this.unacked++;
    this.send("MouseMotion", { dx, dy, buttonsState: this.buttons });
    this.countMotion();
  }

  /** Absolute position (CLIENT mouse mode). */
  position(x: number, y: number, displayId = 0): void {
    if (this.unacked >= 2 * inputs.MotionAckBunch) {
      this.pendingPosition = { x, y, displayId };
      return;
    }
    this.unacked++;
    this.send("MousePosition", { x, y, buttonsState: this.buttons, displayId });
    this.countMotion();
  }

  private countMotion(): void {
    if (++this.motionsSent % inputs.MotionAckBunch === 0 && this.ackWaits.length < 16) this.ackWaits.push(performance.now());
  }

  /** Button press/release; button is a MouseButton value (4/5 = wheel up/down). */
  button(button: number, down: boolean): void {
    const mask = 1 << (button - 1);
    this.buttons = down ? this.buttons | mask : this.buttons & ~mask;
    this.send(down ? "MousePress" : "MouseRelease", { button, buttonsState: this.buttons });
  }

  /** One wheel notch: press + release of button UP (4) or DOWN (5). */
  wheel(up: boolean): void {
    const b = up ? inputs.MouseButton.Up : inputs.MouseButton.Down;
    this.button(b, true);
    this.button(b, false);
  }

  protected readonly handlers: HandlerTable<InputsServerDefs> = {
    Init: (b) => {
      this.modifiers = b.keyboardModifiers;
      this.emit("modifiers", this.modifiers);
    },
    KeyModifiers: (b) => {
      this.modifiers = b.modifiers;
      this.emit("modifiers", this.modifiers);
    },
    MouseMotionAck: () => {
      const sentAt = this.ackWaits.shift();
      if (sentAt !== undefined) this.rtt = Math.round((performance.now() - sentAt) * 100) / 100;
      this.unacked = Math.max(0, this.unacked - inputs.MotionAckBunch);
      if (this.pendingMotion) {
        const m = this.pendingMotion;
        this.pendingMotion = null;
        this.motion(m.dx, m.dy);
      }
      if (this.pendingPosition) {
        const p = this.pendingPosition;
        this.pendingPosition = null;
        this.position(p.x, p.y, p.displayId);
      }
    },
  };
}
