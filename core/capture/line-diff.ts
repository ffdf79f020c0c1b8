// Lines added and removed by an edit, counted the way `git diff --numstat` would: a line-level
// shortest edit script (Myers), so changing one line of ten counts +1 -1, not +10 -10.
// The text is only compared, never kept.

export interface LineChange {
  added: number;
  removed: number;
}

/** Lines in a text: "" has none, a trailing newline does not start another line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Work budget (about (n + m) × distance steps) for the exact script; past it an upper bound is used, so a hook never stalls on a huge rewrite. */
const DIFF_WORK_BUDGET = 4_000_000;

/** Length of the shortest insert/delete edit script between a and b (Myers 1986), or undefined past the cap. */
function editDistance(a: readonly string[], b: readonly string[]): number | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, Math.max(64, Math.floor(DIFF_WORK_BUDGET / (n + m))));
  const offset = max + 1;
  const furthest = new Int32Array(2 * max + 3);
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && furthest[offset + k - 1]! < furthest[offset + k + 1]!) ? furthest[offset + k + 1]! : furthest[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      furthest[offset + k] = x;
      if (x >= n && y >= m) return d;
    }
  }
  return undefined;
}

/** Lines kept in common when the exact script is too costly: a multiset intersection (never below the true count of changes). */
function sharedLineCount(a: readonly string[], b: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const line of a) counts.set(line, (counts.get(line) ?? 0) + 1);
  let shared = 0;
  for (const line of b) {
    const left = counts.get(line) ?? 0;
    if (left > 0) {
      shared++;
      counts.set(line, left - 1);
    }
  }
  return shared;
}

export function countLineChanges(oldText: string, newText: string): LineChange {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const oldMiddle = a.slice(start, endA);
  const newMiddle = b.slice(start, endB);
  if (oldMiddle.length === 0 || newMiddle.length === 0) return { added: newMiddle.length, removed: oldMiddle.length };
  const distance = editDistance(oldMiddle, newMiddle);
  const common = distance === undefined ? sharedLineCount(oldMiddle, newMiddle) : (oldMiddle.length + newMiddle.length - distance) / 2;
  return { added: newMiddle.length - common, removed: oldMiddle.length - common };
}

/** Counts the +/- lines of Claude Code's structuredPatch hunks ({lines: ["+a", "-b", " c"]}). */
export function countPatchLines(hunks: readonly unknown[]): LineChange | undefined {
  let added = 0;
  let removed = 0;
  let sawLines = false;
  for (const hunk of hunks) {
    const lines = typeof hunk === 'object' && hunk !== null ? (hunk as { lines?: unknown }).lines : undefined;
    if (!Array.isArray(lines)) return undefined;
    sawLines = true;
    for (const line of lines) {
      if (typeof line !== 'string') continue;
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) removed++;
    }
  }
  return sawLines ? { added, removed } : undefined;
}

export function addChanges(total: LineChange, change: LineChange): LineChange {
  return { added: total.added + change.added, removed: total.removed + change.removed };
}
