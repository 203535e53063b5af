import { parseArgs } from "node:util";
import { parseSpiceUri } from "@saffron/client";
import { connectSpice } from "@saffron/client/node";
import { channelTypeName, display as dsp, main, inputs } from "@saffron/protocol";
import { UsageError } from "../errors.js";
import { resolvePassword } from "../password.js";

const HELP = `Usage: saffron info <spice://host:port> [--password-file F] [--json]

Prints the server's channels, capabilities, mouse mode, surfaces and agent presence.
`;

function capNames(table: Record<string, number>, words: number[]): string[] {
  const out: string[] = [];
  for (const [name, bit] of Object.entries(table)) if (((words[bit >>> 5] ?? 0) >>> (bit & 31)) & 1) out.push(name);
  return out;
}

export async function infoCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { "password-file": { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" }, "wait-ms": { type: "string" } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const uri = positionals[0];
  if (!uri) throw new UsageError(`expected a spice:// URI\n\n${HELP}`);
  const target = parseSpiceUri(uri);
  const password = await resolvePassword(values["password-file"], target.password);
  const session = await connectSpice({ ...target, password }, { password });
  try {
    await session.waitForIdle(200, Number(values["wait-ms"] ?? 5000));
    const m = session.main!;
    const capTables: Record<number, Record<string, number>> = { 1: { NameAndUuid: 1, AgentConnectedTokens: 2, SemiSeamlessMigrate: 0, SeamlessMigrate: 3 }, 2: dsp.DisplayCaps, 3: inputs.InputsCaps };
    const mouseName = (mode: number) => [mode & main.MouseMode.Server ? "server" : "", mode & main.MouseMode.Client ? "client" : ""].filter(Boolean).join("+");
    const info = {
      server: m.serverName ?? null,
      sessionId: m.init?.sessionId,
      channels: session.available.map((c) => `${channelTypeName(c.type)}:${c.id}`),
      mouseMode: { current: mouseName(m.mouseMode), supported: mouseName(m.supportedMouseModes) },
      agentConnected: m.agentConnected,
      ramHint: m.init?.ramHint,
      capabilities: Object.fromEntries(
        [m, ...session.channels].map((c) => [
          c.name,
          { common: c.link ? capNames({ AuthSelection: 0, AuthSpice: 1, AuthSasl: 2, MiniHeader: 3 }, c.link.serverCaps.common.toWords()) : [], channel: c.link ? capNames(capTables[c.type] ?? {}, c.link.serverCaps.channel.toWords()) : [] },
        ]),
      ),
      surfaces: session.displays.flatMap((d) => [...d.surfaces.entries()].map(([id, s]) => ({ display: d.id, id, width: s.width, height: s.height, format: s.format, primary: d.primaryId === id }))),
      monitors: session.displays.flatMap((d) => d.monitors),
    };
    if (values.json) process.stdout.write(JSON.stringify(info, null, 2) + "\n");
    else {
      const lines = [
        `server:        ${info.server ?? "(no name)"}  session ${info.sessionId}`,
        `channels:      ${info.channels.join(", ")}`,
        `mouse mode:    ${info.mouseMode.current} (supported: ${info.mouseMode.supported})`,
        `agent:         ${info.agentConnected ? "connected" : "not connected"}`,
        ...Object.entries(info.capabilities).map(([n, c]) => `caps ${n.padEnd(10)} common: ${c.common.join(" ") || "-"}; channel: ${c.channel.join(" ") || "-"}`),
        ...info.surfaces.map((s) => `surface ${s.display}/${s.id}:   ${s.width}x${s.height} format ${s.format}${s.primary ? " (primary)" : ""}`),
      ];
      process.stdout.write(lines.join("\n") + "\n");
    }
    return 0;
  } finally {
    session.close();
  }
}
