/** detail of 'agent': the guest agent came or went, and what it can do. */
export interface AgentStateDetail {
  connected: boolean;
  /** Resize-to-window works (MONITORS_CONFIG). */
  monitors: boolean;
  /** Clipboard sharing works. */
  clipboard: boolean;
  /** File upload works. */
  fileTransfer: boolean;
}

/** detail of 'clipboard': the guest copied something (text, or a PNG image when it offered no text). */
export interface ClipboardDetail {
  text?: string;
  image?: Blob;
}

/** detail of 'filetransfer': progress of an upload started by drag and drop or `sendFile`. */
export interface FileTransferDetail {
  id: number;
  name: string;
  size: number;
  /** Bytes sent so far. */
  sent: number;
  /** "waiting" for the guest to accept, "sending", then "done" (the guest wrote the file) or "error". */
  state: "waiting" | "sending" | "done" | "error";
  /** With "error": what went wrong (`status` is the agent's VD_AGENT_FILE_XFER_STATUS_* when it refused). */
  error?: Error & { code?: string; status?: number };
}
