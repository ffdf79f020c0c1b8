// Entry point of the `blueplane` command (built to dist/core/cli.js by scripts/build.mjs).
// Everything else is in core/cli/; this file only binds the process to it.
import { join } from 'node:path';
import { runCli } from './cli/main.ts';

void runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  // The bundle runs as dist/core/cli.js; the hook bundles are built to dist/hooks.
  hookBundleDir: join(__dirname, '..', 'hooks'),
  execPath: process.execPath,
  runningElectron: process.versions.electron !== undefined,
}).then((code) => {
  // exitCode rather than exit(): stdout may still be flushing to a pipe.
  process.exitCode = code;
});
