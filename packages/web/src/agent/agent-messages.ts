import type { WireError } from "../worker-protocol.js";

/** Page → session side: what the console asks of the guest agent. */
export type AgentToSession =
  /** MONITORS_CONFIG for one monitor of this size (device pixels). */
  | { t: "agent-monitors"; gen: number; width: number; height: number }
  /** Own the guest CLIPBOARD with this text and/or PNG image. */
  | { t: "agent-clipboard-offer"; gen: number; text?: string; png?: Blob }
  /** Send a file (read on the session side: Blobs cross to workers without a copy of their bytes). */
  | { t: "agent-file-send"; gen: number; id: number; name: string; file: Blob }
  | { t: "agent-file-cancel"; gen: number; id: number };

/** Session side → page. */
export type AgentFromSession =
  | { t: "agent-state"; gen: number; connected: boolean; monitors: boolean; clipboard: boolean; fileTransfer: boolean }
  /** The guest's CLIPBOARD, after it grabbed it: text, or a PNG image when it offers no text. */
  | { t: "agent-clipboard"; gen: number; text?: string; png?: ArrayBuffer }
  | {
      t: "agent-file-progress";
      gen: number;
      id: number;
      sent: number;
      size: number;
      state: "waiting" | "sending" | "done" | "error";
      error?: WireError & { status?: number };
    };

const TO = new Set(["agent-monitors", "agent-clipboard-offer", "agent-file-send", "agent-file-cancel"]);
const FROM = new Set(["agent-state", "agent-clipboard", "agent-file-progress"]);

export function isAgentToSession(m: { t: string }): m is AgentToSession {
  return TO.has(m.t);
}

export function isAgentFromSession(m: { t: string }): m is AgentFromSession {
  return FROM.has(m.t);
}
