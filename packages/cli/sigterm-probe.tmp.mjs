import { spawn } from "node:child_process";
import { connect } from "node:net";
import { connectSpice } from "@saffron/client/node";
const port = 5990 + Math.floor(Math.random()*50);
const extra = process.argv.slice(3);
const p = spawn(process.execPath, ["packages/cli/dist/bin.js", "serve", ...(process.env.PW ? [] : ["--disable-ticketing"]), "--port", String(port), ...(extra.length ? extra : ["--demo"])], { stdio: ["ignore", "pipe", "inherit"] });
await new Promise(r => p.stdout.once("data", r));
const kind = process.argv[2];
let s, raw;
if (kind === "node" || kind === "ws") { s = await connectSpice(kind === "ws" ? `ws://127.0.0.1:${port}/` : `spice://127.0.0.1:${port}`, { password: process.env.PW }); await s.waitForIdle(200, 10000); }
if (kind === "idle") { raw = connect(port, "127.0.0.1"); await new Promise(r => raw.once("connect", r)); }
if (kind === "rv") { const { spawn: sp } = await import("node:child_process"); raw = sp("remote-viewer", [`spice://127.0.0.1:${port}`], { env: { ...process.env, DISPLAY: ":77" } }); await new Promise(r=>setTimeout(r,3000)); }
if (kind === "spicy") { const { spawn: sp } = await import("node:child_process"); raw = sp("spicy-screenshot", ["-h","127.0.0.1","-p",String(port),"-o","/tmp/x.ppm"]); await new Promise(r=>setTimeout(r,1500)); }
await new Promise(r=>setTimeout(r,300));
const t = performance.now();
p.kill("SIGTERM");
p.on("exit", (code, sig) => { console.log(kind, "exit", code, sig, (performance.now() - t).toFixed(0), "ms"); s?.close(); raw?.destroy?.(); process.exit(0); });
