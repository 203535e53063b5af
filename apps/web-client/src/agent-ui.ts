// The page's view of the guest agent: upload progress bars (drop files on the desktop) and a
// short note when the guest copied something. Uses only @saffron/web's public API.
import type { SpiceConsole } from "@saffron/web";

const STYLE = `
#transfers { position: fixed; right: 12px; bottom: 12px; display: flex; flex-direction: column; gap: 6px; z-index: 10; max-width: 320px; }
#transfers .transfer { background: #1f2329; border: 1px solid #3c424c; border-radius: 4px; padding: 6px 8px; font-size: 12px; }
#transfers .transfer.error { border-color: #ff6b6b; }
#transfers .transfer.done { border-color: #7bd88f; }
#transfers progress { width: 100%; height: 8px; display: block; margin-top: 4px; accent-color: #f4a300; }
#transfers .clip { opacity: 0.8; }
`;

function panel(): HTMLElement {
  let el = document.getElementById("transfers");
  if (el) return el;
  const style = document.createElement("style");
  style.textContent = STYLE;
  document.head.append(style);
  el = document.createElement("div");
  el.id = "transfers";
  el.setAttribute("aria-live", "polite");
  document.body.append(el);
  return el;
}

function formatSize(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} B`;
}

/** Shows upload progress and clipboard notes for console `c`. */
export function attachAgentUi(c: SpiceConsole): void {
  const box = panel();
  box.replaceChildren();
  const rows = new Map<number, { row: HTMLElement; label: HTMLElement; bar: HTMLProgressElement }>();
  c.addEventListener("filetransfer", (e) => {
    const d = e.detail;
    let r = rows.get(d.id);
    if (!r) {
      const row = document.createElement("div");
      row.className = "transfer";
      row.dataset.id = String(d.id);
      const label = document.createElement("span");
      const bar = document.createElement("progress");
      row.append(label, bar);
      box.append(row);
      r = { row, label, bar };
      rows.set(d.id, r);
    }
    r.bar.max = Math.max(1, d.size);
    r.bar.value = d.state === "done" ? r.bar.max : d.sent;
    r.row.dataset.state = d.state;
    r.row.className = `transfer ${d.state}`;
    const what = d.state === "error" ? `failed: ${d.error?.message ?? "error"}` : d.state === "done" ? "sent" : d.state === "waiting" ? "waiting for the guest" : `${formatSize(d.sent)} / ${formatSize(d.size)}`;
    r.label.textContent = `${d.name}: ${what}`;
    if (d.state === "done" || d.state === "error") {
      const row = r.row;
      rows.delete(d.id);
      setTimeout(() => row.remove(), d.state === "done" ? 4000 : 10000);
    }
  });
  c.addEventListener("clipboard", (e) => {
    const note = document.createElement("div");
    note.className = "transfer clip";
    note.textContent = e.detail.text !== undefined ? `Guest copied ${e.detail.text.length} characters` : "Guest copied an image";
    box.append(note);
    setTimeout(() => note.remove(), 3000);
  });
}
