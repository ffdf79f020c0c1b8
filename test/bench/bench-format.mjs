// What every benchmark script shares: reading `--name value` options, the nearest-rank percentile,
// number formats, and a process's memory from the kernel. Not a benchmark itself (run-all skips it).
import { readFileSync } from 'node:fs';

/** `--name N` from the command line, or the fallback when absent or not a positive number. */
export function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Nearest-rank percentile of unsorted values (NaN for none). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
export const count = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');

/** A field of /proc/<pid>/status (VmHWM: peak resident set, VmRSS: now), in MB; NaN once the process is gone. */
export function statusMb(field, pid = 'self') {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
