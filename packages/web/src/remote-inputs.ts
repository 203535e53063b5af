import type { InputOp } from "./worker-protocol.js";

/** What keyboard and pointer input need of the inputs channel (InputsChannel fits too). */
export interface InputSink {
  readonly closed: boolean;
  sendScancodeBytes(bytes: Uint8Array, down: boolean): void;
  position(x: number, y: number): void;
  motion(dx: number, dy: number): void;
  button(button: number, down: boolean): void;
  wheel(up: boolean): void;
}

/** The inputs channel of a session on the other side of a message port: each call is one message. */
export class RemoteInputs implements InputSink {
  closed = false;

  constructor(private readonly post: (op: InputOp) => void) {}

  sendScancodeBytes(bytes: Uint8Array, down: boolean): void {
    this.post({ op: "scancode", bytes, down });
  }

  position(x: number, y: number): void {
    this.post({ op: "position", x, y });
  }

  motion(dx: number, dy: number): void {
    this.post({ op: "motion", dx, dy });
  }

  button(button: number, down: boolean): void {
    this.post({ op: "button", button, down });
  }

  wheel(up: boolean): void {
    this.post({ op: "wheel", up });
  }
}
