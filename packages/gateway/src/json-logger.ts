import type { Logger } from "@saffron/protocol";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/**
 * A Logger writing one JSON object per line: `{"time","level","scope","msg",...fields}`,
 * at or above `level` ("silent" writes nothing). Fields never include tokens or passwords.
 */
export function jsonLogger(write: (line: string) => void, level: LogLevel = "info"): Logger {
  const order = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 } as const;
  const min = order[level];
  const emit = (l: "debug" | "info" | "warn" | "error") => (scope: string, msg: string, fields?: Record<string, unknown>) => {
    if (order[l] < min) return;
    const entry = { time: new Date().toISOString(), level: l, scope, msg, ...fields };
    write(JSON.stringify(entry, (_k, v) => (typeof v === "bigint" ? v.toString() : v instanceof Error ? v.message : v)));
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error"), enabled: (l) => l === "debug" && min === 0 };
}
