export * from "./wire/errors.js";
export * from "./wire/byte-reader.js";
export * from "./wire/byte-writer.js";
