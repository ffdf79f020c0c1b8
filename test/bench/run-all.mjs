// Runs every benchmark script in test/bench (each *.mjs but this one), one after another, each in
// its own process with the same runtime and arguments. Benchmarks report; they never fail the run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const scripts = readdirSync(here)
  .filter((name) => name.endsWith('.mjs') && name !== self && name !== 'bench-format.mjs')
  .sort();

for (const name of scripts) {
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(process.execPath, [join(here, name), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (result.status !== 0) console.log(`(${name} exited with ${result.status ?? result.signal})`);
}
