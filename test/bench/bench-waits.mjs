// Small helpers the daemon benchmarks share: waiting on a probe, a consumer group's backlog, one
// printed row of figures.
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function row(label, value, target = '', verdict = '') {
  console.log(`${label.padEnd(40)} ${value.padEnd(44)} ${target.padEnd(18)} ${verdict}`);
}

export async function waitUntil(probe, timeoutMs, everyMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

/** Lag of a consumer group (entries not yet delivered + delivered but not acknowledged). */
export async function groupBacklog(redis, stream, group) {
  try {
    const groups = await redis.xinfo('GROUPS', stream);
    for (const fields of groups) {
      const record = Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]));
      if (record.name === group) return Number(record.pending) + Number(record.lag ?? 0);
    }
  } catch {
    return Infinity;
  }
  return Infinity;
}
