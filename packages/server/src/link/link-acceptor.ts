import {
  Caps,
  ExactReader,
  LinkErr,
  SpiceError,
  generateTicketKeyPair,
  serverAccept,
  serverResult,
  serverStart,
  serverStep,
  verifyTicket,
  type LinkMess,
  type LinkOutcome,
  type ServerLinkPhase,
} from "@saffron/protocol";
import type { Connection } from "../net/connection.js";

export interface LinkPolicy {
  /** The ticket; null when ticketing is disabled. */
  password(): string | null;
  /** Decide whether a channel may link: LinkErr.Ok or a refusal, and its channel caps. */
  accept(mess: LinkMess, conn: Connection): { refuse: number } | { channelCaps: Caps };
}

export interface AcceptedLink {
  link: LinkOutcome;
  /** Bytes that arrived after the link stage (the first data messages). */
  rest: Uint8Array[];
}

/**
 * Runs the server side of the link stage on a fresh connection: reply with caps and a new
 * RSA key, read the auth mechanism and the 128-byte ticket, check it, answer the result.
 * Rejects with a SpiceError (after sending the protocol's error reply) on any failure.
 */
export function acceptLink(conn: Connection, policy: LinkPolicy, timeoutMs = 30_000): Promise<AcceptedLink> {
  return new Promise<AcceptedLink>((resolve, reject) => {
    const reader = new ExactReader();
    let phase: ServerLinkPhase;
    let busy = false;
    let done = false;
    const timer = setTimeout(() => finish(new SpiceError("ERR_SPICE_TIMEOUT", `link from ${conn.remote} not completed in ${timeoutMs} ms`)), timeoutMs);

    const finish = (error?: SpiceError, link?: LinkOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        reject(error);
        conn.end();
      } else resolve({ link: link!, rest: reader.takeRest() });
    };
    conn.onClose(() => finish(new SpiceError("ERR_SPICE_CLOSED", `${conn.remote} closed the connection during the link`)));

    const apply = (step: { phase: ServerLinkPhase; send: Uint8Array[] }) => {
      for (const b of step.send) conn.send(b);
      phase = step.phase;
    };

    const run = async () => {
      if (busy || done) return;
      busy = true;
      try {
        for (;;) {
          if (done) return;
          if (phase.kind === "ready") return finish(undefined, phase.link);
          if (phase.kind === "failed") return finish(phase.error);
          if (phase.kind === "need-accept") {
            const decision = policy.accept(phase.mess, conn);
            if ("refuse" in decision) {
              apply(serverAccept(phase, { refuse: decision.refuse }));
              continue;
            }
            const keys = await generateTicketKeyPair();
            keyPair = keys;
            apply(serverAccept(phase, { publicKey: keys.publicKeyDer, channelCaps: decision.channelCaps }));
            continue;
          }
          if (phase.kind === "need-ticket-check") {
            const result = await verifyTicket(keyPair!, phase.ticket, policy.password());
            apply(serverResult(phase, result));
            if (result !== LinkErr.Ok) return finish(new SpiceError("ERR_SPICE_AUTH", `${conn.remote}: wrong ticket`, { linkError: result }));
            continue;
          }
          const bytes = reader.read(phase.need);
          if (!bytes) return;
          apply(serverStep(phase, bytes));
        }
      } catch (e) {
        finish(e instanceof SpiceError ? e : new SpiceError("ERR_SPICE_MALFORMED", `link from ${conn.remote}: ${(e as Error).message}`, { cause: e }));
      } finally {
        busy = false;
      }
    };

    let keyPair: Awaited<ReturnType<typeof generateTicketKeyPair>> | undefined;
    apply(serverStart());
    conn.onData((chunk) => {
      reader.push(chunk);
      if (reader.available > 64 * 1024 && !done) return finish(new SpiceError("ERR_SPICE_TOO_LARGE", `${conn.remote} sent too much during the link`));
      void run();
    });
  });
}
