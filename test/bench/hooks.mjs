// Hook wall-time benchmark (run after a build: `npm run bench:hooks`, or `node test/bench/hooks.mjs`
// with Node >= 22.18 first on PATH, since it reuses the .ts test helpers).
//
// From one run: spawn-to-exit wall time of the built Claude and Cursor hooks with Redis up (a
// private redis-server) and Redis down (a closed port, so the event is spooled), next to the floor
// measured in the same run, `node -e ''` on the same runtime binary. All variants are interleaved
// round-robin so machine load hits them alike. Every process runs without NODE_EXTRA_CA_CERTS (the
// installed shim unsets it); one extra row shows what the variable costs when the environment has it.
// Targets: p50 <= 1.25x and p95 <= 1.5x the floor. A benchmark, not a test: it always exits 0.
//
// Options: --runs N (default 40, or BENCH_RUNS), --warmup N (default 3).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

// The helpers are TypeScript (run through Node's type stripping); without "type": "module" in
// package.json Node warns once per file about reparsing them as ES modules. Keep the output clean.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.code !== 'MODULE_TYPELESS_PACKAGE_JSON') console.error(`${warning.name}: ${warning.message}`);
});
const { builtHookPath, cleanEnv, systemNode } = await import('../support/hook-process.ts');
const { closedPortUrl, startRedis } = await import('../support/redis-server.ts');
const { readSpool, tempHome, uniquePrefix } = await import('../support/hook-fixtures.ts');

const TARGET_P50 = 1.25;
const TARGET_P95 = 1.5;

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
const RUNS = option('runs', Number(process.env.BENCH_RUNS) || 40);
const WARMUP = option('warmup', 3);

// A realistic PostToolUse(Edit) from Claude Code, about 1 KB like the floors' sample.json (1,026 B).
const oldString = "  const rows = db.prepare('SELECT id, name FROM users').all();\n  return rows;\n";
const newString = "  const rows = db.prepare('SELECT id, name FROM users WHERE active = 1').all();\n  return rows.map((row) => row.name);\n";
const CLAUDE_PAYLOAD = JSON.stringify({
  session_id: '4d5611e5-241a-462a-8d15-5122611a9569',
  transcript_path: '/home/dev/.claude/projects/-home-dev-shop/4d5611e5-241a-462a-8d15-5122611a9569.jsonl',
  cwd: '/home/dev/shop',
  permission_mode: 'acceptEdits',
  hook_event_name: 'PostToolUse',
  tool_name: 'Edit',
  tool_input: { file_path: '/home/dev/shop/src/users/list-active.ts', old_string: oldString, new_string: newString, replace_all: false },
  tool_response: {
    filePath: '/home/dev/shop/src/users/list-active.ts',
    oldString,
    newString,
    structuredPatch: [{ oldStart: 12, oldLines: 2, newStart: 12, newLines: 2, lines: ['-  return rows;', '+  return rows.map((row) => row.name);'] }],
    userModified: false,
  },
  tool_use_id: 'toolu_01JmW3TgQfZkVbq8Lr2nXcYd',
});
// The Cursor counterpart: afterFileEdit with the same edit.
const CURSOR_PAYLOAD = JSON.stringify({
  conversation_id: '7dd7bf2d-06f0-4562-8055-29cd9ba3a710',
  generation_id: '4d4c91f8-8209-4c31-a245-eb9c01ae8a20',
  session_id: '7dd7bf2d-06f0-4562-8055-29cd9ba3a710',
  model: 'composer-2',
  file_path: '/home/dev/shop/src/users/list-active.ts',
  edits: [{ old_string: oldString, new_string: newString }],
  hook_event_name: 'afterFileEdit',
  cursor_version: '3.3.30',
  workspace_roots: ['/home/dev/shop'],
  user_email: null,
  transcript_path: '/home/dev/.cursor/projects/home-dev-shop/agent-transcripts/7dd7bf2d-06f0-4562-8055-29cd9ba3a710.jsonl',
});

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One process, spawn to exit, in ms. */
function timeOnce({ node, args, env, stdin }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node, args, { env, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.stdin.on('error', () => {});
    child.on('exit', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${node} ${args.join(' ')} exited ${code ?? signal}`));
      else resolve(ms);
    });
    child.stdin.end(stdin);
  });
}

function version(node) {
  return new Promise((resolve) => {
    const child = spawn(node, ['-p', 'process.version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', () => resolve(out.trim()));
    child.on('error', () => resolve('?'));
  });
}

const fmt = (ms) => ms.toFixed(1).padStart(7);
const ratio = (value) => `${value.toFixed(2)}x`.padStart(7);

async function main() {
  const claudeHook = builtHookPath('claude');
  const cursorHook = builtHookPath('cursor');
  for (const path of [claudeHook, cursorHook]) {
    try {
      statSync(path);
    } catch {
      console.error(`${path} is missing: run \`npm run build\` first.`);
      return;
    }
  }

  const redis = await startRedis();
  const downUrl = await closedPortUrl();
  const home = tempHome();
  // Interrupted (Ctrl-C, or output piped into `head`): stop after the run in flight, so no hook
  // writes into the temp folder after it is removed, then clean up as usual (finally below).
  let interrupted = false;
  const interrupt = () => (interrupted = true);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, interrupt);
  process.stdout.on('error', interrupt);
  const prefix = uniquePrefix();
  const floorEnv = cleanEnv();
  const upEnv = cleanEnv({ BLUEPLANE_HOME: home.path, BLUEPLANE_REDIS_URL: redis.url, BLUEPLANE_REDIS_PREFIX: prefix });
  const downEnv = cleanEnv({ BLUEPLANE_HOME: home.path, BLUEPLANE_REDIS_URL: downUrl, BLUEPLANE_REDIS_PREFIX: prefix });
  const caCerts = process.env.NODE_EXTRA_CA_CERTS;

  const runtimes = [process.execPath, systemNode()].filter(Boolean);
  const variants = [];
  for (const node of runtimes) {
    const floor = { node, label: "node -e '' (floor)", args: ['-e', ''], env: floorEnv, stdin: CLAUDE_PAYLOAD, floor: true };
    variants.push(
      floor,
      { node, label: 'claude hook, Redis up', args: [claudeHook, 'PostToolUse'], env: upEnv, stdin: CLAUDE_PAYLOAD, kind: 'up' },
      { node, label: 'cursor hook, Redis up', args: [cursorHook, 'afterFileEdit'], env: upEnv, stdin: CURSOR_PAYLOAD, kind: 'up' },
      { node, label: 'claude hook, Redis down (spool)', args: [claudeHook, 'PostToolUse'], env: downEnv, stdin: CLAUDE_PAYLOAD, kind: 'down' },
      { node, label: 'cursor hook, Redis down (spool)', args: [cursorHook, 'afterFileEdit'], env: downEnv, stdin: CURSOR_PAYLOAD, kind: 'down' },
    );
    if (caCerts) {
      variants.push({ node, label: `node -e '' WITH NODE_EXTRA_CA_CERTS (info)`, args: ['-e', ''], env: { ...floorEnv, NODE_EXTRA_CA_CERTS: caCerts }, stdin: CLAUDE_PAYLOAD, info: true });
    }
  }
  for (const variant of variants) variant.samples = [];

  console.log(`Hook wall time, spawn to exit: ${RUNS} interleaved runs per row (+${WARMUP} warm-up), payloads ${Buffer.byteLength(CLAUDE_PAYLOAD)} B (Claude PostToolUse Edit) / ${Buffer.byteLength(CURSOR_PAYLOAD)} B (Cursor afterFileEdit)`);
  console.log(`private redis-server at ${redis.url}; Redis down = ${downUrl} (closed port)`);

  try {
    for (let round = -WARMUP; round < RUNS; round++) {
      // Rotate the starting row each round so no variant always runs right after another.
      const offset = ((round % variants.length) + variants.length) % variants.length;
      for (let i = 0; i < variants.length; i++) {
        if (interrupted) throw new Error('interrupted');
        const variant = variants[(i + offset) % variants.length];
        const ms = await timeOnce(variant);
        if (round >= 0) variant.samples.push(ms);
      }
    }

    for (const node of runtimes) {
      const rows = variants.filter((v) => v.node === node);
      const stats = (v) => {
        const sorted = [...v.samples].sort((a, b) => a - b);
        return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), min: sorted[0] };
      };
      const floor = stats(rows.find((v) => v.floor));
      console.log(`\n${node} (${await version(node)})`);
      console.log(`  ${'row'.padEnd(44)}${'p50 ms'.padStart(7)}${'p95 ms'.padStart(8)}${'min'.padStart(7)}${'p50/fl'.padStart(8)}${'p95/fl'.padStart(8)}  target p50<=${TARGET_P50}x p95<=${TARGET_P95}x`);
      for (const v of rows) {
        const s = stats(v);
        const r50 = s.p50 / floor.p50;
        const r95 = s.p95 / floor.p95;
        const verdict = v.floor ? '' : v.info ? '(informational)' : r50 <= TARGET_P50 && r95 <= TARGET_P95 ? 'PASS' : `MISS${r50 > TARGET_P50 ? ' p50' : ''}${r95 > TARGET_P95 ? ' p95' : ''}`;
        console.log(`  ${v.label.padEnd(44)}${fmt(s.p50)} ${fmt(s.p95)}${fmt(s.min)} ${v.floor ? ''.padStart(15) : `${ratio(r50)} ${ratio(r95)}`}  ${verdict}`);
      }
    }
    if (!caCerts) console.log('\n(NODE_EXTRA_CA_CERTS is not set in this environment: no informational row for it)');

    // The figures only mean something if the hooks did their job: check what they left behind.
    const totalRounds = RUNS + WARMUP;
    const expectedUp = variants.filter((v) => v.kind === 'up').length * totalRounds;
    const expectedDown = variants.filter((v) => v.kind === 'down').length * totalRounds;
    const entries = (await redis.xrange(`${prefix}telemetry:events`)).length;
    const spooled = readSpool(home.path).length;
    const ok = entries === expectedUp && spooled === expectedDown;
    console.log(`\ndelivered: ${entries} stream entries (expected ${expectedUp}), ${spooled} spool lines (expected ${expectedDown}) ${ok ? 'OK' : 'MISMATCH'}`);
    // The hooks keep a V8 code cache per bundle and Node version in the data folder; the first
    // run of each (a warm-up run) writes it, every later run should use it.
    const cacheFolder = join(home.path, 'cache');
    const caches = existsSync(cacheFolder) ? readdirSync(cacheFolder) : [];
    console.log(`code cache: ${caches.length} file(s) in the data folder (expected ${runtimes.length * 2}: one per hook and runtime)${caches.map((name) => `\n  ${name}: ${statSync(join(cacheFolder, name)).size} B`).join('')}`);
  } finally {
    await redis.stop();
    home.remove();
  }

  console.log('\nbundle sizes:');
  for (const path of [claudeHook, cursorHook]) {
    const bytes = readFileSync(path);
    console.log(`  ${path.slice(path.indexOf('dist/'))}: ${bytes.length} B (gzip -9: ${gzipSync(bytes, { level: 9 }).length} B)`);
  }
}

main().catch((error) => {
  console.error(error.message === 'interrupted' ? 'benchmark interrupted' : `benchmark failed: ${error.stack ?? error}`);
});
