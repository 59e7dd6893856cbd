// Prometheus text for /metrics: Toxiproxy's proxy byte counters (-proxy-metrics) and process figures
// (-runtime-metrics, Node's instead of Go's). Counters move as bytes flow, not only when a connection ends.
export interface ByteCounters {
  received(n: number): void;
  sent(n: number): void;
}

interface Series {
  labels: string;
  received: number;
  sent: number;
}

export class Metrics {
  private readonly series = new Map<string, Series>();
  constructor(
    readonly proxyMetrics: boolean,
    readonly runtimeMetrics: boolean,
  ) {}

  get enabled(): boolean {
    return this.proxyMetrics || this.runtimeMetrics;
  }

  counters(direction: string, proxy: string, listener: string, upstream: string): ByteCounters | null {
    if (!this.proxyMetrics) return null;
    const labels =
      `direction=${label(direction)},listener=${label(listener)},proxy=${label(proxy)},upstream=${label(upstream)}`;
    let s = this.series.get(labels);
    if (!s) {
      s = { labels, received: 0, sent: 0 };
      this.series.set(labels, s);
    }
    const series = s;
    return { received: (n) => (series.received += n), sent: (n) => (series.sent += n) };
  }

  text(): string {
    let out = '';
    if (this.runtimeMetrics) {
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage();
      const gauge = (name: string, help: string, type: string, v: number) =>
        (out += `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${v}\n`);
      gauge('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', 'counter', (cpu.user + cpu.system) / 1e6);
      gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge', mem.rss);
      gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', 'gauge', Math.round(Date.now() / 1000 - process.uptime()));
      gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', 'gauge', mem.heapUsed);
    }
    if (this.proxyMetrics && this.series.size > 0) {
      const rows = [...this.series.values()].sort((a, b) => (a.labels < b.labels ? -1 : 1));
      for (const [name, key] of [
        ['toxiproxy_proxy_received_bytes_total', 'received'],
        ['toxiproxy_proxy_sent_bytes_total', 'sent'],
      ] as const) {
        out += `# HELP ${name} \n# TYPE ${name} counter\n`;
        for (const r of rows) out += `${name}{${r.labels}} ${r[key]}\n`;
      }
    }
    return out;
  }
}

function label(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`;
}
