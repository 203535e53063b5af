/** Everything a message schema file needs, in one import. */
export * from "../schema/codec.js";
export { defineMessages as defineMessagesFor } from "../schema/messages.js";
