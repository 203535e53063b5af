/** Injected structured logger; library code never touches console. Silent by default. */
export interface Logger {
  debug(scope: string, message: string, fields?: Record<string, unknown>): void;
  info(scope: string, message: string, fields?: Record<string, unknown>): void;
  warn(scope: string, message: string, fields?: Record<string, unknown>): void;
  error(scope: string, message: string, fields?: Record<string, unknown>): void;
  enabled(level: "trace" | "debug"): boolean;
}

const noop = () => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop, enabled: () => false };

/** A logger writing one line per call through `write` (e.g. to stderr), at or above `level`. */
export function lineLogger(write: (line: string) => void, level: "debug" | "info" | "warn" | "error" = "info"): Logger {
  const order = { debug: 0, info: 1, warn: 2, error: 3 } as const;
  const min = order[level];
  const emit = (l: keyof typeof order) => (scope: string, message: string, fields?: Record<string, unknown>) => {
    if (order[l] < min) return;
    const f = fields ? " " + JSON.stringify(fields, (_k, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)) : "";
    write(`${l} [${scope}] ${message}${f}`);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error"), enabled: (l) => l === "debug" && min === 0 };
}
