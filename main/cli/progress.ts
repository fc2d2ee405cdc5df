// A terminal progress bar for imports. Draws on stderr only when it is a TTY (a log file or a
// pipe gets a final summary instead), at most ~10 times a second so it never slows the import.
import type { ImportProgress } from '../sources/importer.js';

const WIDTH = 28;

function human(n: number, unit: ImportProgress['unit']): string {
  if (unit === 'items') return n.toLocaleString('en-US');
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export class ProgressBar {
  private last = 0;
  private lastLine = '';
  private readonly started = Date.now();

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = Boolean(process.stderr.isTTY),
  ) {}

  update(p: ImportProgress): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && !(p.total !== undefined && p.done >= p.total)) return;
    this.last = now;
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const rate = `${human(p.done / secs, p.unit)}/s`;
    let line: string;
    if (p.total && p.total > 0) {
      const frac = Math.min(1, p.done / p.total);
      const filled = Math.round(frac * WIDTH);
      const eta = frac > 0 ? Math.round(secs / frac - secs) : 0;
      line = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(frac * 100).toFixed(1).padStart(5)}% ${human(p.done, p.unit)} / ${human(p.total, p.unit)}  ${rate}  eta ${eta}s`;
    } else {
      line = `${human(p.done, p.unit)}  ${rate}`;
    }
    if (p.label) line = `${p.label}  ${line}`;
    if (line === this.lastLine) return;
    this.lastLine = line;
    const cols = this.stream.columns ?? 100;
    this.stream.write(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, this.lastLine.length))}`);
  }

  done(): void {
    if (this.enabled && this.lastLine) this.stream.write('\n');
  }
}
