// A one-line progress bar on stderr, drawn only when stderr is a terminal (so logs and pipes get
// nothing): `[#########.........]  42%  batch 64 (surrogate-rt)`.

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export class ProgressBar {
  private readonly enabled: boolean;
  private done = 0;
  private label = '';
  private timer: NodeJS.Timeout | undefined;
  private lastLine = '';

  /** `total`: units of work (any unit, e.g. seconds of benchmarking). */
  constructor(private readonly total: number, private readonly stream: ProgressStream = process.stderr) {
    this.enabled = stream.isTTY === true && total > 0;
  }

  /** Sets the work done so far and what is running now; redraws. */
  update(done: number, label?: string): void {
    this.done = Math.max(0, Math.min(this.total, done));
    if (label !== undefined) this.label = label;
    this.draw();
  }

  /** Redraws every `ms` with `poll()`'s progress, until stop(). */
  animate(poll: () => number, ms = 100): void {
    if (!this.enabled) return;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.update(poll()), ms);
    this.timer.unref();
  }

  stopAnimation(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Erases the bar (call before printing results). */
  clear(): void {
    this.stopAnimation();
    if (!this.enabled || this.lastLine === '') return;
    this.stream.write('\r\x1b[2K');
    this.lastLine = '';
  }

  private draw(): void {
    if (!this.enabled) return;
    const width = Math.max(10, Math.min(40, (this.stream.columns || 80) - 50));
    const fraction = this.done / this.total;
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
    const room = Math.max(0, (this.stream.columns || 80) - bar.length - 3);
    const line = `${bar}  ${this.label.length > room ? `${this.label.slice(0, Math.max(0, room - 1))}…` : this.label}`;
    if (line === this.lastLine) return;
    this.stream.write(`\r\x1b[2K${line}`);
    this.lastLine = line;
  }
}
