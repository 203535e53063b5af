export * from "./errors.js";
export * from "./pixels.js";
