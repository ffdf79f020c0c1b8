// Transcript monitor benchmark (`npm run bench:transcripts`, or `node test/bench/transcripts.mjs`
// with Node >= 22.18 first on PATH: one row runs the .ts sources directly, through type stripping).
//
// Issue 4: the transcript monitor's first scan of 1 GB of transcripts (time and RSS), with a
// second scan near zero. From one run, with the floors measured in the same run:
//   - generates ~1 GB of realistic Claude Code transcripts in one temp folder laid out like
//     ~/.claude/projects/<project>/<session>.jsonl, with subagent files under
//     <session>/subagents/agent-<id>.jsonl: lines shaped like the real 2.1.x sample in
//     /work/shared/fixtures/claude-transcript-sample.jsonl (user prompts, assistant responses
//     written as 1-4 lines per message id + request id repeating the usage, streaming placeholders
//     before the final usage, stop_reason on the last line for versions >= 2.1.97, thinking and
//     signatures, tool_use / tool_result with toolUseResult copies, hook and agent progress lines
//     (these embed subagent usage), system and queue lines, file-history snapshots, some subagent
//     files replaying the parent response that launched them); main files log-uniform from 4 KB
//     to 50 MB, subagent files to 3 MB; each file's mtime is its last line's time (days to weeks
//     ago: a history, as on a real machine);
//   - first scan, in a child process of its own (so RSS is the monitor's alone): a TranscriptTailer
//     over the saved (empty) state and scanTranscripts with the daemon's normal settings
//     (TranscriptWatcher's pass: no settleAll, settleMs 60 s, so files quiet longer than that
//     release their responses as they are read), counting the records delivered, the state saved
//     with jsonFileStateStore; wall and CPU time, bytes read, records, peak RSS (VmHWM). The
//     monitor's code is bundled with esbuild into the temp folder, as dist/ ships it; one more row
//     runs the same scan from the .ts sources (Node's type stripping adds ~35 MB of RSS);
//   - second scan, in another child: loads the saved state, scans again: time, bytes read, RSS;
//   - floors: `node -e ''`; the same files read raw (fs.createReadStream per file, discarded,
//     best of two passes: before and after the first scan); the same files in 1 MiB reads with
//     every newline found (the least work any line reader does); for the second scan, the walk
//     plus one stat per file;
//   - correctness: records delivered = distinct (message id + request id) generated, their token
//     sums = the final usage of each response, replayed lines counted as late repeats, not twice.
// All reads come from the page cache (the files were just written, the machine has the memory):
// a cold-cache first scan is bounded by the disk instead. Targets ("a second scan near zero"): the
// second scan (state load + scan + save) reads 0 bytes and takes at most twice what finding the
// files and stat-ing each one takes (the floor: nothing can tell an unchanged file with less); its
// share of the first scan is printed too. RSS is printed, with no target.
// A benchmark, not a test: it always exits 0, and removes its temp folder (also on SIGINT/SIGTERM).
//
// Options: --mb N (size of the transcripts, default 1024), --seed N (default 4),
// --node-flags "..." (flags of the scan children, default none: Node's defaults, as the daemon runs).
import { fork, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { count, fixed, option, statusMb } from './bench-format.mjs';

const SELF = fileURLToPath(import.meta.url);
const FIXTURE = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'claude-transcript-sample.jsonl');
const MB = 1024 * 1024;


// ---------------------------------------------------------------------------------------------
// Children: the scans and the raw-read floors, each in its own process, one JSON reply over IPC.
// ---------------------------------------------------------------------------------------------

/** Every *.jsonl below root, sorted (the floors' own walk, same work as listTranscriptFiles). */
async function walk(root) {
  const files = [];
  const folders = [root];
  while (folders.length > 0) {
    const folder = folders.pop();
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) folders.push(path);
      else if (entry.isFile() && entry.name.endsWith('.jsonl')) files.push(path);
    }
  }
  return files.sort();
}

async function child(role, settings) {
  // The TypeScript sources load from a package without "type": "module": keep stderr clean.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.code !== 'MODULE_TYPELESS_PACKAGE_JSON' && warning.name !== 'ExperimentalWarning') console.error(`${warning.name}: ${warning.message}`);
  });
  process.on('disconnect', () => process.exit(1));
  const reply = { role, startedMs: performance.now() };

  if (role === 'stat') {
    // What finding that nothing changed costs at least: the walk, then a stat per file, awaited
    // one at a time as the tailer does, then the same with statSync.
    let started = performance.now();
    const files = await walk(settings.root);
    const walkMs = performance.now() - started;
    started = performance.now();
    for (const path of files) await stat(path);
    const statMs = performance.now() - started;
    started = performance.now();
    for (const path of files) statSync(path);
    Object.assign(reply, { files: files.length, walkMs, statMs, statSyncMs: performance.now() - started });
    process.send(reply, () => process.exit(0));
    return;
  }

  if (role === 'stream' || role === 'chunks') {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const files = await walk(settings.root);
    let bytes = 0;
    let lines = 0;
    if (role === 'stream') {
      for (const path of files) {
        await new Promise((resolve, reject) => {
          const stream = createReadStream(path);
          stream.on('data', (chunk) => (bytes += chunk.length));
          stream.on('end', resolve);
          stream.on('error', reject);
        });
      }
    } else {
      const buffer = Buffer.allocUnsafe(MB);
      for (const path of files) {
        const handle = await open(path, 'r');
        try {
          for (let position = 0; ; ) {
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
            if (bytesRead === 0) break;
            position += bytesRead;
            bytes += bytesRead;
            const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
            for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
          }
        } finally {
          await handle.close();
        }
      }
    }
    const used = process.cpuUsage(cpu);
    Object.assign(reply, { files: files.length, bytes, lines, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000, peakRssMb: statusMb('VmHWM') });
    process.send(reply, () => process.exit(0));
    return;
  }

  // role 'scan': the monitor's pass, as TranscriptWatcher runs it in the daemon; its code from the
  // esbuild bundle (as the daemon ships it), or with settings.bundle unset from the .ts sources.
  const { TranscriptTailer, scanTranscripts, jsonFileStateStore } = settings.bundle
    ? createRequire(import.meta.url)(settings.bundle)
    : {
        ...(await import('../../core/transcripts/transcript-tailer.ts')),
        ...(await import('../../core/transcripts/transcript-scan.ts')),
        ...(await import('../../core/transcripts/transcript-state.ts')),
      };
  reply.loadedMs = performance.now();
  reply.rssLoadedMb = statusMb('VmRSS');
  const memoryPeaks = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    for (const key of Object.keys(memoryPeaks)) memoryPeaks[key] = Math.max(memoryPeaks[key], usage[key]);
  };
  setInterval(sample, 50).unref();

  const totals = { records: 0, input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, final: 0, sidechain: 0 };
  const deliver = (records) => {
    totals.records += records.length;
    for (const record of records) {
      totals.input += record.tokens.input;
      totals.output += record.tokens.output;
      totals.cacheWrite5m += record.tokens.cacheWrite5m;
      totals.cacheWrite1h += record.tokens.cacheWrite1h;
      totals.cacheRead += record.tokens.cacheRead;
      if (record.final) totals.final++;
      if (record.isSidechain) totals.sidechain++;
    }
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  const fileStore = jsonFileStateStore(settings.stateFile);
  let saveMs = NaN;
  const store = {
    load: () => fileStore.load(),
    save: (state) => {
      const saveStarted = performance.now();
      fileStore.save(state);
      saveMs = performance.now() - saveStarted;
    },
  };
  const state = store.load();
  const tailer = new TranscriptTailer({ secret: Buffer.from(settings.secret, 'hex'), state });
  const stateLoadMs = performance.now() - started;
  const report = await scanTranscripts({ roots: [settings.root], tailer, deliver, store });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  sample();
  Object.assign(reply, {
    stateLoadMs,
    saveMs,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    report,
    totals,
    counters: { ...tailer.counters },
    pending: tailer.pendingResponses,
    sessions: tailer.sessions().length,
    stateFiles: state ? Object.keys(state.files).length : 0,
    stateBytes: statSync(settings.stateFile).size,
    memoryPeaks,
    rssEndMb: statusMb('VmRSS'),
    peakRssMb: statusMb('VmHWM'),
  });
  process.send(reply, () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// Generator: realistic Claude Code transcripts, streamed to disk in 1 MB writes.
// ---------------------------------------------------------------------------------------------

/** mulberry32: sizes and shapes reproducible from --seed (ids are unique per run regardless). */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

class TranscriptGenerator {
  constructor(seed) {
    this.random = seededRandom(seed);
    this.tag = Array.from(randomBytes(12), (byte) => ALNUM[byte % 62]).join('');
    this.counter = 0;
    this.expected = { files: 0, subagentFiles: 0, bytes: 0, lines: 0, assistantLines: 0, responses: 0, replayedLines: 0, replayedResponses: 0, input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, finalResponses: 0, sidechainResponses: 0, sessions: 0, largestFile: 0 };
    this.buildPool();
  }

  int(low, high) {
    return low + Math.floor(this.random() * (high - low + 1));
  }

  logUniform(low, high) {
    return Math.round(Math.exp(Math.log(low) + this.random() * (Math.log(high) - Math.log(low))));
  }

  pick(list) {
    return list[Math.floor(this.random() * list.length)];
  }

  /** A per-run unique id body: the run's random tag, then a counter, `length` characters in all. */
  uniqueBody(length) {
    const serial = (this.counter++).toString(36).padStart(8, '0');
    return (this.tag + serial).slice(-length).padStart(length, 'x');
  }

  /**
   * JSON-escaped text to cut lines' contents from: the fixture's own strings (prompts, thinking,
   * file contents, commands) and code-like lines with quotes, tabs, newlines and non-ASCII, shuffled
   * into 4 MB; cut only at piece boundaries so no escape sequence is ever split.
   */
  buildPool() {
    const strings = [];
    const collect = (value) => {
      if (typeof value === 'string') {
        if (value.length >= 24 && !/^[0-9a-f-]{36}$/.test(value)) strings.push(value);
      } else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    for (const line of readFileSync(FIXTURE, 'utf8').split('\n')) if (line.trim()) collect(JSON.parse(line));
    const code = [
      'export function scan(files: readonly string[]): Promise<Report> {',
      '  const rows = db.prepare("SELECT id, name FROM users WHERE active = 1").all();',
      '\tif (!result.ok) throw new Error(`failed: ${result.status}`);',
      '  defp render_line(%{type: :tool_use} = line, opts), do: render_tool(line, opts)',
      "def parse(path: str) -> dict[str, int]:\n    with open(path, encoding='utf-8') as f:",
      '✓ 42 passing (1.3s) — coverage 87.5% · naïve café résumé 日本語のテキスト 🚀',
      '<div class="grid grid-cols-3 gap-4">{{ item.title | truncate: 40 }}</div>',
      '     1→import { readFile } from "node:fs/promises";\n     2→\n     3→const config = JSON.parse(await readFile(path, "utf8"));',
      'I need to look at how the ledger releases a response before changing the tailer; let me read both files first.',
      'SELECT s.session_id, SUM(t.output_tokens) AS output FROM token_usage t JOIN sessions s USING (session_id) GROUP BY 1;',
    ];
    // One piece per line of text (they are joined with escaped newlines), so cuts land on lines.
    const pieces = [...strings, ...code].flatMap((text) => text.split('\n')).filter((line) => line.trim() !== '').map((line) => JSON.stringify(line).slice(1, -1));
    const parts = [];
    const boundaries = [0];
    let length = 0;
    while (length < 4 * MB) {
      const piece = this.pick(pieces) + '\\n';
      parts.push(piece);
      length += piece.length;
      boundaries.push(length);
    }
    this.pool = parts.join('');
    this.boundaries = Int32Array.from(boundaries);
    this.signaturePool = randomBytes(96 * 1024).toString('base64');
  }

  /** About `length` characters of escaped text (whole pieces, so never less than one piece). */
  text(length) {
    const want = Math.min(length, this.pool.length / 2);
    const bounds = this.boundaries;
    const last = bounds.length - 1;
    let first = Math.floor(this.random() * last);
    while (first > 0 && bounds[first] + want > bounds[last]) first = Math.floor(first / 2);
    const target = bounds[first] + want;
    let low = first + 1;
    let high = last;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (bounds[middle] < target) low = middle + 1;
      else high = middle;
    }
    return this.pool.slice(bounds[first], bounds[low]);
  }

  signature() {
    const length = this.int(300, 1800);
    const start = this.int(0, this.signaturePool.length - length);
    return this.signaturePool.slice(start, start + length);
  }

  // --- one file ---------------------------------------------------------------------------

  open(path, session) {
    this.file = { path, fd: openSync(path, 'w'), out: '', written: 0, sinceYield: 0, ...session };
  }

  emit(line) {
    const file = this.file;
    file.out += line;
    file.out += '\n';
    this.expected.lines++;
    if (file.out.length >= MB) this.flush();
  }

  flush() {
    const file = this.file;
    if (file.out.length === 0) return;
    const bytes = writeSync(file.fd, file.out);
    file.written += bytes;
    file.sinceYield += bytes;
    file.out = '';
  }

  get fileBytes() {
    return this.file.written + this.file.out.length;
  }

  close() {
    this.flush();
    const file = this.file;
    closeSync(file.fd);
    const mtime = new Date(file.t);
    utimesSync(file.path, mtime, mtime);
    this.expected.bytes += file.written;
    this.expected.largestFile = Math.max(this.expected.largestFile, file.written);
    this.file = undefined;
    return file.written;
  }

  /** The next line's uuid and time; the line before it is its parent. */
  step(minMs = 200, maxMs = 20_000) {
    const file = this.file;
    const parent = file.parent;
    file.parent = randomUUID();
    file.t += this.int(minMs, maxMs);
    return { parent, uuid: file.parent, timestamp: new Date(file.t).toISOString() };
  }

  head(parent) {
    const f = this.file;
    return `{"parentUuid":${parent ? `"${parent}"` : 'null'},"isSidechain":${f.sidechain},"userType":"external","cwd":"${f.cwd}","sessionId":"${f.sessionId}","version":"${f.version}","gitBranch":"${f.branch}",${f.agentId ? `"agentId":"${f.agentId}",` : ''}${f.slug ? `"slug":"${f.slug}",` : ''}`;
  }

  prompt() {
    const { parent, uuid, timestamp } = this.step(5_000, 600_000);
    const content = this.text(this.logUniform(40, 3000));
    this.emit(`${this.head(parent)}"type":"user","message":{"role":"user","content":"${content}"},"uuid":"${uuid}","timestamp":"${timestamp}","thinkingMetadata":{"maxThinkingTokens":31999},"todos":[],"permissionMode":"acceptEdits"}`);
    if (this.random() < 0.5) {
      const id = randomUUID();
      this.emit(`{"type":"file-history-snapshot","messageId":"${id}","snapshot":{"messageId":"${id}","trackedFileBackups":{},"timestamp":"${timestamp}"},"isSnapshotUpdate":false}`);
    }
  }

  hookProgress(event, tool, toolUseId) {
    const { parent, uuid, timestamp } = this.step(1, 50);
    this.emit(`${this.head(parent)}"type":"progress","data":{"type":"hook_progress","hookEvent":"${event}","hookName":"${event}:${tool}","command":"cd \${CLAUDE_PLUGIN_ROOT}/hooks && bun run ./guardian.ts"},"parentToolUseID":"${toolUseId}","toolUseID":"${toolUseId}","timestamp":"${timestamp}","uuid":"${uuid}"}`);
  }

  /** One API response: 1-4 lines sharing message id and request id, each repeating the usage. */
  response(blocks, stopReason) {
    const f = this.file;
    const messageId = `msg_01${this.uniqueBody(22)}`;
    const requestId = `req_011C${this.uniqueBody(20)}`;
    const input = this.int(1, 12);
    const cacheWrite = this.random() < 0.6 ? this.int(100, 25_000) : 0;
    const cacheWrite1h = f.oneHour ? Math.floor(cacheWrite * this.random()) : 0;
    const cacheWrite5m = cacheWrite - cacheWrite1h;
    const cacheRead = this.int(8_000, 180_000);
    const output = this.int(20, 4_000);
    const lines = [];
    blocks.forEach((block, i) => {
      const last = i === blocks.length - 1;
      const { parent, uuid, timestamp } = this.step(300, 8_000);
      const usage = `{"input_tokens":${input},"cache_creation_input_tokens":${cacheWrite},"cache_read_input_tokens":${cacheRead},"cache_creation":{"ephemeral_5m_input_tokens":${cacheWrite5m},"ephemeral_1h_input_tokens":${cacheWrite1h}},"output_tokens":${last ? output : this.int(1, 12)},"service_tier":"standard","inference_geo":"${f.geo}"}`;
      const stop = last && f.stopReasons ? `"${stopReason}"` : 'null';
      const line = `${this.head(parent)}"message":{"model":"${f.model}","id":"${messageId}","type":"message","role":"assistant","content":[${block}],"stop_reason":${stop},"stop_sequence":null,"usage":${usage}},"requestId":"${requestId}","type":"assistant","uuid":"${uuid}","timestamp":"${timestamp}"}`;
      this.emit(line);
      lines.push(line);
    });
    const e = this.expected;
    e.assistantLines += blocks.length;
    e.responses++;
    e.input += input;
    e.output += output;
    e.cacheWrite5m += cacheWrite5m;
    e.cacheWrite1h += cacheWrite1h;
    e.cacheRead += cacheRead;
    if (f.stopReasons) e.finalResponses++;
    if (f.sidechain) e.sidechainResponses++;
    return { lines, messageId, usage: { input, cacheWrite, cacheRead, output } };
  }

  thinking() {
    return `{"type":"thinking","thinking":"${this.text(this.logUniform(80, 12_000))}","signature":"${this.signature()}"}`;
  }

  /** One tool call of a turn: the response that makes it, hook progress, the result line. */
  toolCall(subagents) {
    const f = this.file;
    const tool = this.pick(f.sidechain ? ['Read', 'Read', 'Grep', 'Glob', 'Bash'] : ['Read', 'Read', 'Bash', 'Bash', 'Edit', 'Edit', 'Write', 'Grep', 'Glob', 'TodoWrite', 'Task']);
    const toolUseId = `toolu_01${this.uniqueBody(22)}`;
    const file = `${f.cwd}/src/${this.pick(['scan', 'tailer', 'ledger', 'views', 'api', 'db'])}/${this.pick(['index', 'reader', 'state', 'model', 'routes'])}.${this.pick(['ts', 'ex', 'py', 'go', 'rs'])}`;
    let input;
    let result;
    let toolUseResult;
    switch (tool) {
      case 'Read': {
        const content = this.text(this.logUniform(300, 80_000));
        input = `{"file_path":"${file}"}`;
        result = content;
        toolUseResult = `{"type":"text","file":{"filePath":"${file}","content":"${content}","numLines":${this.int(10, 2000)},"startLine":1,"totalLines":${this.int(10, 2000)}}}`;
        break;
      }
      case 'Bash': {
        const stdout = this.text(this.logUniform(40, 16_000));
        input = `{"command":"${this.text(60)}","description":"Run the test suite"}`;
        result = stdout;
        toolUseResult = `{"stdout":"${stdout}","stderr":"","interrupted":false,"isImage":false,"noOutputExpected":false}`;
        break;
      }
      case 'Edit': {
        const oldString = this.text(this.logUniform(60, 3000));
        const newString = this.text(this.logUniform(60, 3000));
        input = `{"file_path":"${file}","old_string":"${oldString}","new_string":"${newString}","replace_all":false}`;
        result = `The file ${file} has been updated. Here's the result of running \`cat -n\` on a snippet of the edited file:\\n${this.text(600)}`;
        toolUseResult = `{"filePath":"${file}","oldString":"${oldString}","newString":"${newString}","originalFile":"${this.text(this.logUniform(1000, 40_000))}","structuredPatch":[{"oldStart":12,"oldLines":2,"newStart":12,"newLines":3,"lines":["-  return rows;","+  return rows.map((row) => row.name);"]}],"userModified":false,"replaceAll":false}`;
        break;
      }
      case 'Write': {
        const content = this.text(this.logUniform(500, 20_000));
        input = `{"file_path":"${file}","content":"${content}"}`;
        result = `File created successfully at: ${file}`;
        toolUseResult = `{"type":"create","filePath":"${file}","content":"${content}","structuredPatch":[],"originalFile":null}`;
        break;
      }
      case 'Grep':
      case 'Glob': {
        const found = this.text(this.logUniform(100, 5000));
        input = `{"pattern":"settle(All|Idle)","path":"${f.cwd}"}`;
        result = found;
        toolUseResult = `{"mode":"files_with_matches","filenames":["${file}"],"numFiles":${this.int(1, 40)},"content":"${found}"}`;
        break;
      }
      case 'TodoWrite': {
        input = `{"todos":[{"content":"${this.text(80)}","status":"in_progress","activeForm":"Working"},{"content":"${this.text(80)}","status":"pending","activeForm":"Waiting"}]}`;
        result = 'Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress.';
        toolUseResult = `{"oldTodos":[],"newTodos":[{"content":"${this.text(80)}","status":"in_progress"}]}`;
        break;
      }
      case 'Task': {
        const prompt = this.text(this.logUniform(300, 3000));
        input = `{"description":"Explore the transcript code","prompt":"${prompt}","subagent_type":"Explore"}`;
        break;
      }
    }
    const blocks = [];
    if (this.random() < 0.45) blocks.push(this.thinking());
    if (this.random() < 0.4) blocks.push(`{"type":"text","text":"${this.text(this.logUniform(40, 1500))}"}`);
    blocks.push(`{"type":"tool_use","id":"${toolUseId}","name":"${tool}","input":${input},"caller":{"type":"direct"}}`);
    const call = this.response(blocks, 'tool_use');
    const callUuid = this.file.parent;
    this.hookProgress('PreToolUse', tool, toolUseId);
    if (tool === 'Task') {
      const agentId = `a${(this.counter++).toString(16).padStart(6, '0')}`;
      // The subagent's messages as the main file shows them while it runs: agent_progress lines
      // embedding its assistant responses, usage included (not counted: they are not assistant lines).
      for (let i = this.int(1, 4); i > 0; i--) {
        const { parent, uuid, timestamp } = this.step(500, 20_000);
        const usage = `{"input_tokens":${this.int(1, 9)},"cache_creation_input_tokens":${this.int(0, 9000)},"cache_read_input_tokens":${this.int(0, 90_000)},"output_tokens":${this.int(5, 900)},"service_tier":"standard"}`;
        this.emit(`${this.head(parent)}"type":"progress","data":{"message":{"type":"assistant","message":{"model":"claude-sonnet-4-5-20250929","id":"msg_01${this.uniqueBody(22)}","type":"message","role":"assistant","content":[{"type":"text","text":"${this.text(this.logUniform(100, 4000))}"}],"stop_reason":null,"usage":${usage}},"requestId":"req_011C${this.uniqueBody(20)}","uuid":"${randomUUID()}","timestamp":"${timestamp}"},"normalizedMessages":[],"type":"agent_progress","prompt":"${this.text(200)}","agentId":"${agentId}"},"toolUseID":"agent_${call.messageId}","parentToolUseID":"${toolUseId}","uuid":"${uuid}","timestamp":"${timestamp}"}`);
      }
      const answer = this.text(this.logUniform(500, 8000));
      result = answer;
      toolUseResult = `{"status":"completed","prompt":"${this.text(200)}","agentId":"${agentId}","content":[{"type":"text","text":"${answer}"}],"totalDurationMs":${this.int(5000, 400_000)},"totalTokens":${this.int(10_000, 200_000)},"totalToolUseCount":${this.int(1, 40)},"usage":{"input_tokens":${call.usage.input},"cache_creation_input_tokens":${call.usage.cacheWrite},"cache_read_input_tokens":${call.usage.cacheRead},"output_tokens":${call.usage.output},"service_tier":"standard"}}`;
      subagents?.push({ agentId, replay: this.random() < 0.3 ? call.lines : undefined });
    }
    this.hookProgress('PostToolUse', tool, toolUseId);
    const { parent, uuid, timestamp } = this.step(50, 30_000);
    this.emit(`${this.head(parent)}"type":"user","message":{"role":"user","content":[{"tool_use_id":"${toolUseId}","type":"tool_result","content":"${result}","is_error":false}]},"uuid":"${uuid}","timestamp":"${timestamp}","toolUseResult":${toolUseResult},"sourceToolAssistantUUID":"${callUuid}"}`);
  }

  /** A user prompt, tool calls, a final answer, then the turn's system lines. */
  turn(subagents) {
    this.prompt();
    for (let calls = this.int(0, 9); calls > 0; calls--) this.toolCall(subagents);
    const blocks = [];
    if (this.random() < 0.5) blocks.push(this.thinking());
    blocks.push(`{"type":"text","text":"${this.text(this.logUniform(100, 6000))}"}`);
    this.response(blocks, 'end_turn');
    if (this.file.sidechain) return;
    let step = this.step(10, 200);
    this.emit(`${this.head(step.parent)}"type":"system","subtype":"stop_hook_summary","hookCount":2,"hookInfos":[{"command":"/home/dev/.claude/hooks/notify.sh mark"},{"command":"\${CLAUDE_PLUGIN_ROOT}/hooks/stop-hook.sh"}],"hookErrors":[],"preventedContinuation":false,"stopReason":"","hasOutput":true,"level":"suggestion","timestamp":"${step.timestamp}","uuid":"${step.uuid}","toolUseID":"${randomUUID()}"}`);
    step = this.step(1, 50);
    this.emit(`${this.head(step.parent)}"type":"system","subtype":"turn_duration","durationMs":${this.int(2000, 600_000)},"timestamp":"${step.timestamp}","uuid":"${step.uuid}","isMeta":false}`);
    if (this.random() < 0.08) {
      this.emit(`{"type":"queue-operation","operation":"enqueue","timestamp":"${step.timestamp}","sessionId":"${this.file.sessionId}","content":"<task-notification>\\n<status>completed</status>\\n<summary>${this.text(120)}</summary>\\n</task-notification>"}`);
    }
    if (this.random() < 0.02) {
      step = this.step(100, 2000);
      this.emit(`{"parentUuid":null,"logicalParentUuid":"${step.parent}",${this.head(null).slice('{"parentUuid":null,'.length)}"type":"system","subtype":"compact_boundary","content":"Conversation compacted","isMeta":false,"timestamp":"${step.timestamp}","uuid":"${step.uuid}","level":"info","compactMetadata":{"trigger":"auto","preTokens":${this.int(100_000, 190_000)}}}`);
    }
  }

  /** Writes lines until the file holds about `bytes`, yielding now and then (signals get through). */
  async fill(bytes, subagents, shouldStop) {
    while (this.fileBytes < bytes) {
      this.turn(subagents);
      if (this.file.sinceYield >= 16 * MB) {
        this.file.sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
        if (shouldStop()) throw new Error('interrupted');
      }
    }
  }

  /** One session: its main file and the subagent files of its Task calls. Returns the bytes written. */
  async session(projectsRoot, project, mainBytes, budget, shouldStop) {
    const e = this.expected;
    const sessionId = randomUUID();
    const version = this.pick(['2.1.39', '2.1.72', '2.1.98', '2.1.112', '2.1.118']);
    const stopReasons = Number(version.split('.')[2]) >= 97;
    const start = Date.now() - this.int(2, 60) * 86_400_000 - this.int(0, 86_400_000);
    const common = {
      sessionId,
      version,
      stopReasons,
      cwd: project.cwd,
      branch: this.pick(['main', 'feature/transcripts', 'fix-ledger', 'spotter-dov']),
      geo: this.pick(['global', 'us', 'not_available']),
      oneHour: this.random() < 0.25,
    };
    const folder = join(projectsRoot, project.folder);
    mkdirSync(folder, { recursive: true });
    this.open(join(folder, `${sessionId}.jsonl`), { ...common, model: this.pick(['claude-opus-4-6', 'claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101']), sidechain: false, slug: this.random() < 0.7 ? 'radiant-floating-music' : '', t: start, parent: null });
    const subagents = [];
    await this.fill(mainBytes, subagents, shouldStop);
    const end = this.file.t;
    let written = this.close();
    e.files++;
    e.sessions++;
    // Subagent files, while the budget lasts: a few KB to 3 MB each, some starting with a replay of
    // the parent's response that launched them (same message id + request id: counted once).
    for (const { agentId, replay } of subagents.slice(0, 6)) {
      if (written >= budget) break;
      const subFolder = join(folder, sessionId, 'subagents');
      mkdirSync(subFolder, { recursive: true });
      this.open(join(subFolder, `agent-${agentId}.jsonl`), { ...common, model: 'claude-sonnet-4-5-20250929', sidechain: true, agentId, slug: '', t: end - this.int(60_000, 3_600_000), parent: null });
      if (replay) {
        for (const line of replay) this.emit(line.replace('"isSidechain":false', '"isSidechain":true'));
        e.replayedLines += replay.length;
        e.replayedResponses++;
      }
      await this.fill(Math.min(this.logUniform(3 * 1024, 3 * MB), budget - written), undefined, shouldStop);
      written += this.close();
      e.files++;
      e.subagentFiles++;
    }
    return written;
  }

  async generate(projectsRoot, totalBytes, shouldStop) {
    const projects = Array.from({ length: 24 }, (_, i) => {
      const cwd = `/home/dev/projects/${this.pick(['shop', 'blueplane', 'spotter', 'infra', 'site', 'ml-pipeline'])}-${i}${i % 3 === 0 ? '/worktrees/feature.x' : ''}`;
      return { cwd, folder: cwd.replace(/[^A-Za-z0-9]/g, '-') };
    });
    while (this.expected.bytes < totalBytes) {
      const remaining = totalBytes - this.expected.bytes;
      const mainBytes = Math.min(this.logUniform(4 * 1024, 50 * MB), remaining);
      await this.session(projectsRoot, this.pick(projects), mainBytes, remaining, shouldStop);
    }
    return this.expected;
  }
}

// ---------------------------------------------------------------------------------------------
// Parent: generate, floors, the two scans, the report.
// ---------------------------------------------------------------------------------------------

async function parent() {
  const TOTAL_MB = option('mb', 1024);
  const SEED = option('seed', 4);
  const flagsIndex = process.argv.indexOf('--node-flags');
  const NODE_FLAGS = (flagsIndex > 0 ? process.argv[flagsIndex + 1] ?? '' : '').split(' ').filter(Boolean);

  const work = mkdtempSync(join(tmpdir(), 'blueplane-bench-transcripts-'));
  const root = join(work, 'projects');
  const stateFile = join(work, 'state', 'transcript-state.json');
  mkdirSync(join(work, 'state'), { recursive: true });
  let removed = false;
  const cleanup = () => {
    if (removed) return;
    removed = true;
    rmSync(work, { recursive: true, force: true });
  };
  // Interrupted: stop the child in flight, then clean up as usual (finally below); 'exit' as a last resort.
  let interrupted = false;
  let current;
  const interrupt = () => {
    interrupted = true;
    current?.kill('SIGTERM');
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, interrupt);
  process.stdout.on('error', interrupt);
  process.on('exit', cleanup);

  const runChild = (role, settings) =>
    new Promise((resolve, reject) => {
      if (interrupted) return reject(new Error('interrupted'));
      const started = performance.now();
      let reply;
      current = fork(SELF, ['--child', role, JSON.stringify(settings)], { execArgv: role === 'scan' ? NODE_FLAGS : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      current.on('message', (message) => (reply = message));
      current.on('error', reject);
      current.on('exit', (code, signal) => {
        current = undefined;
        if (interrupted) reject(new Error('interrupted'));
        else if (!reply) reject(new Error(`${role} child exited ${code ?? signal} without a reply`));
        else resolve({ ...reply, processMs: performance.now() - started });
      });
    });
  const nodeStart = () =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const node = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
      node.on('error', reject);
      node.on('exit', () => resolve(performance.now() - started));
    });

  try {
    console.log(`Transcript monitor benchmark: ${count(TOTAL_MB)} MB of Claude Code transcripts, Node ${process.version}, ${cpus().length} CPUs, ${fixed(totalmem() / 1024 ** 3, 0)} GB memory, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
    console.log(`temp folder ${work}`);
    process.stdout.write('generating transcripts... ');
    const generator = new TranscriptGenerator(SEED);
    let started = performance.now();
    const expected = await generator.generate(root, TOTAL_MB * MB, () => interrupted);
    const generateMs = performance.now() - started;
    console.log(`done: ${fixed(expected.bytes / MB, 0)} MB in ${fixed(generateMs / 1000, 1)} s (${fixed(expected.bytes / MB / (generateMs / 1000), 0)} MB/s), ${count(expected.files)} files (${count(expected.sessions)} sessions, ${count(expected.subagentFiles)} subagent files, largest ${fixed(expected.largestFile / MB, 1)} MB)`);
    console.log(`  ${count(expected.lines)} lines (mean ${fixed(expected.bytes / expected.lines, 0)} B), ${count(expected.assistantLines)} assistant lines, ${count(expected.responses)} distinct responses (message id + request id), ${count(expected.replayedLines)} replayed lines of ${count(expected.replayedResponses)} responses in subagent files`);

    // The monitor's code bundled like the daemon's (scripts/build.mjs: esbuild, CommonJS, node22),
    // into the temp folder.
    const bundle = join(work, 'transcript-monitor.cjs');
    const esbuild = await import('esbuild');
    await esbuild.build({
      stdin: {
        contents: ['transcript-tailer', 'transcript-scan', 'transcript-state'].map((name) => `export * from './core/transcripts/${name}.ts';`).join('\n'),
        resolveDir: fileURLToPath(new URL('../../', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      logLevel: 'warning',
      outfile: bundle,
    });

    // Floors and scans, interleaved: raw read, 1 MiB reads + newlines, first scan, raw read again, second scan.
    const starts = [];
    for (let i = 0; i < 5; i++) starts.push(await nodeStart());
    const stream1 = await runChild('stream', { root });
    const chunks = await runChild('chunks', { root });
    const secret = randomBytes(32).toString('hex');
    const first = await runChild('scan', { root, stateFile, secret, bundle });
    const stream2 = await runChild('stream', { root });
    const second = await runChild('scan', { root, stateFile, secret, bundle });
    const stats = await runChild('stat', { root });
    const firstTs = await runChild('scan', { root, stateFile: join(work, 'state', 'transcript-state-ts.json'), secret });
    for (let i = 0; i < 5; i++) starts.push(await nodeStart());

    // Report.
    const rawMs = Math.min(stream1.wallMs, stream2.wallMs);
    const nodeMs = starts.sort((a, b) => a - b)[Math.floor(starts.length / 2)];
    const mbOf = (bytes) => bytes / MB;
    const firstMbps = mbOf(first.report.bytesRead) / (first.wallMs / 1000);
    const secondRatio = second.wallMs / first.wallMs;
    const results = [];
    const row = (name, value, target = '', pass = null) => results.push([name, value, target, pass]);
    row('first scan (load state + scan + save)', `${fixed(first.wallMs / 1000, 2)} s wall, ${fixed(first.cpuMs / 1000, 2)} s CPU, ${fixed(firstMbps, 0)} MB/s`);
    row('  bytes read / files read', `${fixed(mbOf(first.report.bytesRead), 1)} MB of ${fixed(mbOf(expected.bytes), 1)} MB, ${count(first.report.filesRead)} of ${count(first.report.files)} files`, 'all bytes, all files', first.report.bytesRead === expected.bytes && first.report.filesRead === expected.files);
    row('  lines read / parsed skipped', `${count(first.report.linesRead)} of ${count(expected.lines)}, ${count(first.report.skipped.not_interesting ?? 0)} not_interesting, ${count((first.report.skipped.invalid_json ?? 0) + (first.report.skipped.not_an_object ?? 0) + (first.report.skipped.too_long ?? 0))} corrupt`);
    row('  peak RSS (VmHWM) of the scan process', `${fixed(first.peakRssMb, 1)} MB (${fixed(first.rssLoadedMb, 1)} MB after imports, ${fixed(first.rssEndMb, 1)} MB at the end)`, 'reported, no target');
    row('  JS heap peaks', `total ${fixed(first.memoryPeaks.heapTotal / MB, 1)} / used ${fixed(first.memoryPeaks.heapUsed / MB, 1)} MB, array buffers ${fixed(first.memoryPeaks.arrayBuffers / MB, 1)} MB`);
    row('  state save (JSON file, fsync)', `${fixed(first.saveMs, 1)} ms, ${fixed(first.stateBytes / 1024, 0)} KB`);
    row('  process: spawn to exit / imports', `${fixed(first.processMs / 1000, 2)} s / ${fixed(first.loadedMs, 0)} ms`);
    row('  same scan, .ts sources (type stripping)', `${fixed(firstTs.wallMs / 1000, 2)} s wall, peak RSS ${fixed(firstTs.peakRssMb, 1)} MB (${fixed(firstTs.rssLoadedMb, 1)} MB after imports, ${fixed(firstTs.loadedMs, 0)} ms), ${count(firstTs.totals.records)} records`);
    row('  floor: raw read, createReadStream', `${fixed(rawMs / 1000, 2)} s (${fixed(mbOf(stream1.bytes) / (rawMs / 1000), 0)} MB/s; passes ${fixed(stream1.wallMs / 1000, 2)} / ${fixed(stream2.wallMs / 1000, 2)} s)`, `scan = ${fixed(first.wallMs / rawMs, 2)}x of it`);
    row('  floor: 1 MiB reads + every newline', `${fixed(chunks.wallMs / 1000, 2)} s (${fixed(mbOf(chunks.bytes) / (chunks.wallMs / 1000), 0)} MB/s, ${count(chunks.lines)} lines)`, `scan = ${fixed(first.wallMs / chunks.wallMs, 2)}x of it`);
    row(`  floor: node -e '' (median of ${starts.length})`, `${fixed(nodeMs, 1)} ms`);
    const statFloorMs = stats.walkMs + stats.statSyncMs;
    row('second scan (load state + scan + save)', `${fixed(second.wallMs, 1)} ms (state load ${fixed(second.stateLoadMs, 1)}, scan ${fixed(second.report.durationMs - second.saveMs, 1)}, save ${fixed(second.saveMs, 1)} ms) vs first ${fixed(first.wallMs, 0)} ms = ${fixed(secondRatio * 100, 2)}%`, '<= 2x list+stat floor', second.wallMs <= 2 * statFloorMs);
    row('  bytes read', `${count(second.report.bytesRead)} B, ${count(second.report.filesUnchanged)} of ${count(second.report.files)} files unchanged`, '0 B', second.report.bytesRead === 0);
    row('  records delivered again', `${count(second.totals.records)}`, '0', second.totals.records === 0);
    row('  floor: list + stat every file', `${fixed(statFloorMs, 1)} ms (walk ${fixed(stats.walkMs, 1)}, ${count(stats.files)} statSync ${fixed(stats.statSyncMs, 1)}; awaited one by one ${fixed(stats.statMs, 1)} ms)`, `scan = ${fixed(second.wallMs / statFloorMs, 2)}x of it`);
    row('  peak RSS (VmHWM) / CPU', `${fixed(second.peakRssMb, 1)} MB / ${fixed(second.cpuMs, 0)} ms (state file ${fixed(second.stateBytes / 1024, 0)} KB, ${count(second.stateFiles)} files)`);
    row('  process: spawn to exit / imports', `${fixed(second.processMs, 0)} ms / ${fixed(second.loadedMs, 0)} ms`);

    const t = first.totals;
    const tokensOk = t.input === expected.input && t.output === expected.output && t.cacheRead === expected.cacheRead && t.cacheWrite5m === expected.cacheWrite5m && t.cacheWrite1h === expected.cacheWrite1h;
    const recordsOk = t.records === expected.responses && first.pending === 0;
    const repeatsOk = first.counters.lateRepeats === expected.replayedLines && first.counters.lateGrowth === 0;
    const width = Math.max(...results.map(([name]) => name.length));
    const valueWidth = Math.max(...results.map(([, value]) => value.length));
    console.log('');
    for (const [name, value, target, pass] of results) {
      const verdict = pass === null ? '' : pass ? 'PASS' : 'MISS';
      console.log(`${name.padEnd(width)}  ${value.padEnd(valueWidth)}  ${target.padEnd(22)}  ${verdict}`.trimEnd());
    }
    console.log('');
    console.log(`records delivered: ${count(t.records)}, distinct message id + request id generated: ${count(expected.responses)}, still pending: ${count(first.pending)}  ${recordsOk ? 'OK' : 'MISMATCH'}`);
    console.log(`token sums (input / output / cache write 5m / 1h / cache read): ${[t.input, t.output, t.cacheWrite5m, t.cacheWrite1h, t.cacheRead].map(count).join(' / ')} vs generated ${[expected.input, expected.output, expected.cacheWrite5m, expected.cacheWrite1h, expected.cacheRead].map(count).join(' / ')}  ${tokensOk ? 'OK' : 'MISMATCH'}`);
    console.log(`repeated lines: ${count(first.counters.duplicateLines)} duplicates while pending (generated ${count(expected.assistantLines - expected.responses)}), ${count(first.counters.lateRepeats)} late repeats (replayed lines generated ${count(expected.replayedLines)}), ${count(first.counters.lateGrowth)} late growth  ${repeatsOk && first.counters.duplicateLines === expected.assistantLines - expected.responses ? 'OK' : 'MISMATCH'}`);
    console.log(`final-usage records ${count(t.final)} (generated ${count(expected.finalResponses)}), sidechain records ${count(t.sidechain)} (generated ${count(expected.sidechainResponses)}), sessions seen ${count(first.sessions)} (generated ${count(expected.sessions)})`);
    console.log(`settings: daemon's normal pass (scanTranscripts without settleAll, settleMs 60 s, 1 MiB reads), code bundled with esbuild as in dist/; scan children with ${NODE_FLAGS.join(' ') || "Node's default flags"}; all reads from the page cache`);
  } finally {
    current?.kill('SIGTERM');
    cleanup();
  }
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], JSON.parse(process.argv[4]));
} else {
  try {
    await parent();
  } catch (error) {
    console.error(error instanceof Error && error.message === 'interrupted' ? '\nbenchmark interrupted (temp folder removed)' : `benchmark failed: ${error instanceof Error ? error.stack : error}`);
  }
  process.exit(0);
}
