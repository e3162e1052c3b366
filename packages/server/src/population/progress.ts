import cliProgress from 'cli-progress';
import { performance } from 'node:perf_hooks';

/** Progress of one phase of a long job (populate's users, follows, statuses). */
export interface Progress {
  start(phase: string, total: number): void;
  /** Moves the current phase forward by `n` units. */
  advance(n: number): void;
  /** Ends the current phase. */
  done(): void;
}

/** Prints nothing (used when populating inside a benchmark or a test). */
export const silentProgress: Progress = { start() {}, advance() {}, done() {} };

/** A bar with rate and ETA on a terminal; plain lines (at most every `intervalMs`) when piped or logged. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, intervalMs = 2000): Progress {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream, intervalMs);
}

class BarProgress implements Progress {
  private bar: cliProgress.SingleBar | null = null;
  private value = 0;
  private startedAt = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  start(phase: string, total: number): void {
    this.done();
    this.value = 0;
    this.startedAt = performance.now();
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `${phase.padEnd(9)} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(total, 1), 0, { rate: '0' });
  }

  advance(n: number): void {
    this.value += n;
    const seconds = (performance.now() - this.startedAt) / 1000;
    this.bar?.update(this.value, { rate: formatRate(this.value, seconds) });
  }

  done(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

class LineProgress implements Progress {
  private phase = '';
  private total = 0;
  private value = 0;
  private startedAt = 0;
  private lastPrinted = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly intervalMs: number,
  ) {}

  start(phase: string, total: number): void {
    this.phase = phase;
    this.total = total;
    this.value = 0;
    this.startedAt = performance.now();
    this.lastPrinted = this.startedAt;
  }

  advance(n: number): void {
    this.value += n;
    const now = performance.now();
    if (now - this.lastPrinted < this.intervalMs) return;
    this.lastPrinted = now;
    this.print(now);
  }

  done(): void {
    if (this.phase) this.print(performance.now());
    this.phase = '';
  }

  private print(now: number): void {
    const seconds = (now - this.startedAt) / 1000;
    const rate = this.value / Math.max(seconds, 1e-3);
    const pct = this.total > 0 ? Math.min(100, Math.round((100 * this.value) / this.total)) : 100;
    const eta = rate > 0 ? Math.max(0, (this.total - this.value) / rate) : 0;
    this.stream.write(
      `${this.phase}: ${this.value}/${this.total} (${pct}%) ${formatRate(this.value, seconds)}/s ETA ${eta.toFixed(0)} s\n`,
    );
  }
}

function formatRate(value: number, seconds: number): string {
  return Math.round(value / Math.max(seconds, 1e-3)).toLocaleString('en-US');
}
