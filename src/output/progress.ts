/**
 * A one-line transfer progress display for a terminal's stderr: files, bytes, rate and ETA,
 * redrawn at most 10 times a second, and erased before anything else is printed or at the end.
 * Only used when stderr is a TTY and --silent is off.
 */
import type { Writable } from 'node:stream';

export interface Progress {
  setTotals(files: number, bytes: number): void;
  fileDone(): void;
  bytes(n: number): void;
  /** Erases the line (before printing something else, or at the end). */
  clear(): void;
  stop(): void;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (x: number) => String(x).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export const MIN_REDRAW_MS = 100;

export function createProgress(out: Writable, now: () => number = Date.now): Progress {
  const started = now();
  let totalFiles = 0;
  let totalBytes = 0;
  let files = 0;
  let sent = 0;
  let lastDraw = 0;
  let shown = false;
  let timer: NodeJS.Timeout | undefined;

  const draw = () => {
    timer = undefined;
    lastDraw = now();
    const elapsed = Math.max((lastDraw - started) / 1000, 0.001);
    const rate = sent / elapsed;
    // Parts finish in 8 MiB steps: the first second's rate says little.
    const eta = rate > 0 && elapsed >= 1 ? (totalBytes - sent) / rate : Infinity;
    out.write(
      `\r\x1b[K${files}/${totalFiles} files  ${formatBytes(sent)}/${formatBytes(totalBytes)}  ${formatBytes(rate)}/s  ETA ${formatEta(eta)}`,
    );
    shown = true;
  };
  const schedule = () => {
    if (timer) return;
    const wait = MIN_REDRAW_MS - (now() - lastDraw);
    if (wait <= 0) draw();
    else timer = setTimeout(draw, wait);
  };
  return {
    setTotals(f, b) {
      totalFiles = f;
      totalBytes = b;
      schedule();
    },
    fileDone() {
      files++;
      schedule();
    },
    bytes(n) {
      sent += n;
      schedule();
    },
    clear() {
      if (shown) out.write('\r\x1b[K');
      shown = false;
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      this.clear();
    },
  };
}
