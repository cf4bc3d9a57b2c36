/**
 * Progress on stderr while the benchmarks run: a redrawn bar on a terminal, one plain line per
 * step otherwise (logs, CI), so stdout keeps only the report.
 */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(s: string): unknown;
}

export class Progress {
  private done = 0;
  private readonly started = Date.now();

  constructor(private total: number, private readonly stream: ProgressStream) {}

  /** Adds steps learnt about later (the browser page counts its own). */
  grow(n: number): void {
    this.total += n;
  }

  /** Announces the step about to run. */
  step(label: string): void {
    this.done++;
    const n = `${this.done}/${this.total}`;
    if (this.stream.isTTY === true) {
      const width = 24;
      const filled = Math.round((width * (this.done - 1)) / Math.max(1, this.total));
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      const secs = `${((Date.now() - this.started) / 1000).toFixed(0)}s`;
      const line = `${bar} ${n} ${secs} ${label}`;
      const cols = Math.max(20, (this.stream.columns ?? 100) - 1);
      this.stream.write(`\r\x1b[2K${line.length > cols ? `${line.slice(0, cols - 1)}…` : line}`);
    } else {
      this.stream.write(`[${n}] ${label}\n`);
    }
  }

  /** Prints a message on its own line without breaking the bar. */
  note(message: string): void {
    this.stream.write(this.stream.isTTY === true ? `\r\x1b[2K${message}\n` : `${message}\n`);
  }

  finish(): void {
    const secs = ((Date.now() - this.started) / 1000).toFixed(0);
    this.stream.write(this.stream.isTTY === true ? `\r\x1b[2K${this.done}/${this.total} done in ${secs}s\n` : `${this.done}/${this.total} done in ${secs}s\n`);
  }
}
