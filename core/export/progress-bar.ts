// A progress bar for long exports (and other long CLI work): drawn on stderr only when stderr is a
// terminal and the work is large enough to wait for, redrawn at most every 100 ms, erased at the end.
// Never a byte on stdout, never anything when the output goes to a pipe or a file.

export interface ProgressTerminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Fewer rows than this finish before a bar would be worth drawing. */
export const PROGRESS_THRESHOLD_ROWS = 5_000;
const REDRAW_MS = 100;

export interface ProgressBar {
  update(done: number, total: number): void;
  end(): void;
}

export const NO_PROGRESS: ProgressBar = { update: () => undefined, end: () => undefined };

export function progressBar(terminal: ProgressTerminal, label: string, threshold = PROGRESS_THRESHOLD_ROWS): ProgressBar {
  if (!terminal.isTTY) return NO_PROGRESS;
  let drawnAt = 0;
  let drawn = false;
  return {
    update(done, total) {
      if (total < threshold) return;
      const now = Date.now();
      if (now - drawnAt < REDRAW_MS && done < total) return;
      drawnAt = now;
      const width = Math.max(10, Math.min(40, (terminal.columns ?? 80) - label.length - 30));
      const share = total === 0 ? 1 : Math.min(1, done / total);
      const filled = Math.round(share * width);
      terminal.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)} % ${done}/${total}`);
      drawn = true;
    },
    end() {
      if (drawn) terminal.write('\r\u001b[2K');
      drawn = false;
    },
  };
}
