import { defineMessagesFor, i32, restBytes, struct, u16, u32, u8, type Infer } from "./_imports.js";
import { baseClientMessages, baseServerMessages } from "./base.js";

/** INPUTS channel (type 3): spice.proto channel InputsChannel. */

/** Inputs channel capability bits (SPICE_INPUTS_CAP_*). */
export const InputsCaps = { KeyScancode: 0 } as const;

/** spice.proto flags16 keyboard_modifier_flags. */
export const KeyModifiers = { ScrollLock: 1, NumLock: 2, CapsLock: 4 } as const;

/** spice.proto enum8 mouse_button (SIDE and EXTRA are later additions). */
export const MouseButton = { Invalid: 0, Left: 1, Middle: 2, Right: 3, Up: 4, Down: 5, Side: 6, Extra: 7 } as const;
export type MouseButton = (typeof MouseButton)[keyof typeof MouseButton];

/** spice.proto flags16 mouse_button_mask (buttons_state). */
export const MouseButtonMask = { Left: 1, Middle: 2, Right: 4, Up: 8, Down: 16, Side: 32, Extra: 64 } as const;

/** The server sends MOUSE_MOTION_ACK after this many motion/position messages. */
export const MotionAckBunch = 4;

/** MOUSE_POSITION (client mode): 11 bytes. */
export const MousePosition = struct("MousePosition", { x: u32, y: u32, buttonsState: u16, displayId: u8 });
export type MousePosition = Infer<typeof MousePosition>;

/** MOUSE_MOTION (server mode): 10 bytes. */
export const MouseMotion = struct("MouseMotion", { dx: i32, dy: i32, buttonsState: u16 });
export type MouseMotion = Infer<typeof MouseMotion>;

/** MOUSE_PRESS / MOUSE_RELEASE: buttonsState is the state after the event. */
export const MouseButtonEvent = struct("MouseButtonEvent", { button: u8, buttonsState: u16 });
export type MouseButtonEvent = Infer<typeof MouseButtonEvent>;

export const inputsServer = defineMessagesFor("inputs.server", {
  ...baseServerMessages,
  Init: [101, struct("InputsInit", { keyboardModifiers: u16 })],
  KeyModifiers: [102, struct("KeyModifiers", { modifiers: u16 })],
  MouseMotionAck: [111, struct("MouseMotionAck", {})],
});

export const inputsClient = defineMessagesFor("inputs.client", {
  ...baseClientMessages,
  /** Set-1 scancode bytes packed from the low byte up, ending at the first 0 byte. */
  KeyDown: [101, struct("KeyDown", { code: u32 })],
  KeyUp: [102, struct("KeyUp", { code: u32 })],
  KeyModifiers: [103, struct("KeyModifiers", { modifiers: u16 })],
  /** Raw scancode byte sequence (press and release may share one message). */
  KeyScancode: [104, struct("KeyScancode", { data: restBytes })],
  MouseMotion: [111, MouseMotion],
  MousePosition: [112, MousePosition],
  MousePress: [113, MouseButtonEvent],
  MouseRelease: [114, MouseButtonEvent],
});

export const InputsServerMsg = inputsServer.ids;
export const InputsClientMsg = inputsClient.ids;
