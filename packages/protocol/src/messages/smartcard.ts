import { defineMessagesFor, sizedBytes, struct, u32, type Infer } from "./_imports.js";
import { baseClientMessages, baseServerMessages } from "./base.js";

/** SMARTCARD channel (type 8): spice.proto channel SmartcardChannel. No channel caps. */

/** spice.proto enum32 vsc_message_type (VSCard passthru messages). */
export const VscMessageType = {
  Init: 1,
  Error: 2,
  ReaderAdd: 3,
  ReaderRemove: 4,
  Atr: 5,
  CardRemove: 6,
  Apdu: 7,
  Flush: 8,
  FlushComplete: 9,
} as const;

/**
 * A VSC header (type, reader_id, length; little-endian on the SPICE wire) and `length`
 * bytes of payload. spice.proto declares the client message as the bare header; clients
 * send the payload right after it in the same message.
 */
export const SmartcardData = struct("SmartcardData", { type: u32, readerId: u32, data: sizedBytes(u32) });
export type SmartcardData = Infer<typeof SmartcardData>;

export const smartcardServer = defineMessagesFor("smartcard.server", {
  ...baseServerMessages,
  Data: [101, SmartcardData],
});

export const smartcardClient = defineMessagesFor("smartcard.client", {
  ...baseClientMessages,
  Data: [101, SmartcardData],
});

export const SmartcardServerMsg = smartcardServer.ids;
export const SmartcardClientMsg = smartcardClient.ids;
