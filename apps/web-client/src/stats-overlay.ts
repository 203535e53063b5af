import type { StatsDetail } from "@saffron/web";

function rate(bytesPerSecond: number): string {
  const bits = bytesPerSecond * 8;
  return bits >= 1e6 ? `${(bits / 1e6).toFixed(1)} Mb/s` : `${(bits / 1e3).toFixed(0)} kb/s`;
}

/** The text of the stats overlay for one 'stats' event. */
export function statsLines(s: StatsDetail): string[] {
  const lines = [
    `rtt        ${s.rttMs !== undefined ? `${s.rttMs.toFixed(1)} ms` : "– (move the mouse)"}`,
    `bandwidth  ${rate(s.bytes)}`,
    `frames     ${s.fps}/s painted`,
    `video      ${s.codec ?? "none"}${s.codec ? ` · ${s.videoFps}/s` : ""}`,
    `decode     ${s.decodeMs} ms/s images · ${s.videoDecodeMs} ms/s video`,
    `paint      ${s.paintMs} ms/s · session in ${s.placement}`,
  ];
  const c = s.connection;
  const stages = c ? ([["main", c.mainMs], ["display", c.displayMs], ["frame", c.firstFrameMs], ["painted", c.paintedMs]] as const).filter(([, ms]) => ms !== undefined) : [];
  if (stages.length) lines.push(`start      ${stages.map(([name, ms]) => `${name} ${ms}`).join(" · ")} ms`);
  return lines;
}

/**
 * A small fixed overlay with the console's stats (round-trip time, bandwidth, frames/s, video
 * codec, decode time), toggled by a button; updated from 'stats' events.
 */
export class StatsOverlay {
  readonly element: HTMLPreElement;
  private shown = false;

  constructor(doc: Document, private readonly button?: HTMLButtonElement) {
    this.element = doc.createElement("pre");
    this.element.id = "stats-overlay";
    this.element.hidden = true;
    Object.assign(this.element.style, {
      position: "fixed", right: "12px", bottom: "12px", margin: "0", padding: "6px 10px", zIndex: "20",
      background: "rgba(0,0,0,0.72)", color: "#e6e6e6", font: "12px ui-monospace, monospace", borderRadius: "4px", pointerEvents: "none",
    });
    this.element.textContent = "waiting for stats…";
    doc.body.append(this.element);
    button?.addEventListener("click", () => this.toggle());
  }

  toggle(show = !this.shown): void {
    this.shown = show;
    this.element.hidden = !show;
    this.button?.setAttribute("aria-pressed", String(show));
  }

  update(s: StatsDetail): void {
    if (this.shown) this.element.textContent = statsLines(s).join("\n");
  }
}
