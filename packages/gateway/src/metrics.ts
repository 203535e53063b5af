/** Per-target counters of the gateway. */
export interface TargetCounters {
  open: number;
  total: number;
  /** Bytes from browsers to the SPICE server. */
  bytesToTarget: number;
  /** Bytes from the SPICE server to browsers. */
  bytesToClient: number;
  upstreamErrors: number;
}

/** The gateway's counters, rendered in the Prometheus text format at /metrics. */
export class GatewayMetrics {
  readonly targets = new Map<string, TargetCounters>();
  readonly authFailures = new Map<string, number>();
  /** Upgrades refused for another reason (unknown target, bad path, over the connection limit). */
  readonly rejected = new Map<string, number>();

  target(name: string): TargetCounters {
    let c = this.targets.get(name);
    if (!c) this.targets.set(name, (c = { open: 0, total: 0, bytesToTarget: 0, bytesToClient: 0, upstreamErrors: 0 }));
    return c;
  }

  authFailure(reason: string): void {
    this.authFailures.set(reason, (this.authFailures.get(reason) ?? 0) + 1);
  }

  reject(reason: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  get totalAuthFailures(): number {
    let n = 0;
    for (const v of this.authFailures.values()) n += v;
    return n;
  }

  /** Prometheus exposition text (version 0.0.4). */
  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: "counter" | "gauge", help: string, samples: Array<[Record<string, string>, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, v] of samples) lines.push(`${name}${labelText(labels)} ${v}`);
    };
    const per = (f: (c: TargetCounters) => number) => [...this.targets].map(([t, c]) => [{ target: t }, f(c)] as [Record<string, string>, number]);
    family("saffron_gateway_connections_open", "gauge", "WebSocket connections bridged right now.", per((c) => c.open));
    family("saffron_gateway_connections_total", "counter", "WebSocket connections accepted and bridged.", per((c) => c.total));
    const bytes: Array<[Record<string, string>, number]> = [];
    for (const [t, c] of this.targets) {
      bytes.push([{ target: t, direction: "to_target" }, c.bytesToTarget], [{ target: t, direction: "to_client" }, c.bytesToClient]);
    }
    family("saffron_gateway_bytes_total", "counter", "Bytes relayed, by target and direction.", bytes);
    family("saffron_gateway_upstream_errors_total", "counter", "Connections to a target that failed.", per((c) => c.upstreamErrors));
    family(
      "saffron_gateway_auth_failures_total",
      "counter",
      "Upgrades refused with 401, by reason.",
      [...this.authFailures].map(([r, v]) => [{ reason: r }, v]),
    );
    family(
      "saffron_gateway_rejected_total",
      "counter",
      "Upgrades refused for other reasons (unknown target, bad path, limit).",
      [...this.rejected].map(([r, v]) => [{ reason: r }, v]),
    );
    return lines.join("\n") + "\n";
  }
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}
