export * from "./wire/errors.js";
export * from "./wire/byte-reader.js";
export * from "./wire/byte-writer.js";
export * from "./schema/codec.js";
export * from "./schema/messages.js";
export * from "./messages/common.js";
export * as base from "./messages/base.js";
export * as main from "./messages/main.js";
