// The Saffron web client page: a connect form, a control bar and a status line around one
// SpiceConsole. Uses only @saffron/web's public API.
//
// Query parameters:
//   ?url=ws://host:port/           connect to this WebSocket URL
//   ?target=NAME[&token=T]         connect to ${origin as ws}/spice/NAME[?token=T] (a Saffron gateway)
//   &password=P                    the SPICE password
//   &autoconnect=1                 connect at once
//   &scaling=none                  1:1 instead of scale-to-fit
//   &compression=lz4               image compression to ask for (off, auto_glz, auto_lz, quic, glz, lz, lz4)
import { SpiceConsole, type CompressionName, type ScalingMode } from "@saffron/web";

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const form = $<HTMLFormElement>("connect");
const urlInput = $<HTMLInputElement>("url");
const passwordInput = $<HTMLInputElement>("password");
const controls = $<HTMLDivElement>("controls");
const statusLine = $<HTMLSpanElement>("status");
const screen = $<HTMLElement>("screen");
const scalingSelect = $<HTMLSelectElement>("scaling");

/** The WebSocket URL the query asks for, or "" when it names none. */
function urlFromQuery(params: URLSearchParams, origin: string): string {
  const url = params.get("url");
  if (url) return url;
  const target = params.get("target");
  if (!target) return "";
  const token = params.get("token");
  const base = `${origin.replace(/^http/, "ws")}/spice/${encodeURIComponent(target)}`;
  return token ? `${base}?token=${encodeURIComponent(token)}` : base;
}

type StatusKind = "info" | "ok" | "error";

function setStatus(text: string, kind: StatusKind = "info"): void {
  statusLine.textContent = text;
  statusLine.className = kind === "info" ? "" : kind;
  document.body.dataset.status = kind;
}

let current: SpiceConsole | undefined;
let lastStats = "";

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KiB` : `${n} B`;
}

function showConnected(connected: boolean): void {
  form.hidden = connected;
  controls.hidden = !connected;
}

function connect(url: string, password: string): void {
  current?.disconnect();
  screen.replaceChildren();
  if (!url) {
    setStatus("Enter a WebSocket URL (ws://host:port/)", "error");
    return;
  }
  const scaling = scalingSelect.value as ScalingMode;
  screen.className = `scale-${scaling}`;
  const compression = (new URLSearchParams(location.search).get("compression") ?? undefined) as CompressionName | undefined;
  let c: SpiceConsole;
  try {
    c = new SpiceConsole(screen, url, { password: password || undefined, scaling, preferredCompression: compression });
  } catch (e) {
    setStatus(`Cannot connect: ${e instanceof Error ? e.message : String(e)}`, "error");
    return;
  }
  current = c;
  document.body.dataset.state = "connecting";
  setStatus(`Connecting to ${url} …`);
  c.addEventListener("connect", () => {
    document.body.dataset.state = "connected";
    showConnected(true);
    setStatus(`Connected to ${url}${c.width ? ` (${c.width}×${c.height})` : ""}`, "ok");
    c.focus();
  });
  c.addEventListener("resize", (e) => {
    if (c.state === "connected") setStatus(`Connected to ${url} (${e.detail.width}×${e.detail.height})`, "ok");
  });
  c.addEventListener("stats", (e) => {
    const s = e.detail;
    lastStats = `${s.fps} fps · ${formatBytes(s.bytes)}/s · decode ${s.decodeMs} ms/s`;
    statusLine.title = `${lastStats} · ${formatBytes(s.totalBytes)} received`;
  });
  c.addEventListener("credentialsrequired", (e) => {
    document.body.dataset.state = "credentials";
    showConnected(false);
    setStatus(e.detail.reason === "rejected" ? "Wrong password: the server refused it. Enter the password and connect again." : "This server needs a password.", "error");
    passwordInput.value = "";
    passwordInput.focus();
  });
  c.addEventListener("disconnect", (e) => {
    if (current !== c) return;
    const d = e.detail;
    document.body.dataset.state = d.reconnectInMs !== undefined ? "reconnecting" : "disconnected";
    if (d.clean) {
      showConnected(false);
      setStatus("Disconnected");
    } else if (d.reconnectInMs !== undefined) {
      setStatus(`Connection lost (${d.error?.message ?? "unknown error"}); retrying in ${Math.round(d.reconnectInMs / 1000)} s`, "error");
    } else {
      showConnected(false);
      setStatus(`Disconnected: ${d.error?.message ?? "the connection failed"}`, "error");
    }
  });
  // For scripts and tests: the console of this page.
  (window as unknown as { saffronConsole?: SpiceConsole }).saffronConsole = c;
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  const url = urlInput.value.trim();
  // Coming from ?target=… the form shows that URL; a password typed after a refusal retries it.
  if (current && current.state === "credentials" && current.url === url) {
    setStatus("Connecting …");
    current.sendCredentials(passwordInput.value);
    return;
  }
  connect(url, passwordInput.value);
});

$("cad").addEventListener("click", () => {
  current?.sendCtrlAltDel();
  current?.focus();
});
$("disconnect").addEventListener("click", () => current?.disconnect());
$("fullscreen").addEventListener("click", () => {
  if (document.fullscreenElement) void document.exitFullscreen();
  else void screen.requestFullscreen().then(() => current?.focus(), () => setStatus("Full screen is not allowed here", "error"));
});
scalingSelect.addEventListener("change", () => {
  const mode = scalingSelect.value as ScalingMode;
  screen.className = `scale-${mode}`;
  if (current) {
    current.scaling = mode;
    current.focus();
  }
});

// Start from the query parameters.
const params = new URLSearchParams(location.search);
const initialUrl = urlFromQuery(params, location.origin);
urlInput.value = initialUrl;
passwordInput.value = params.get("password") ?? "";
if (params.get("scaling") === "none") scalingSelect.value = "none";
if (params.get("autoconnect") === "1" && initialUrl) connect(initialUrl, passwordInput.value);
else setStatus(initialUrl ? "Ready: press Connect" : "Not connected");
