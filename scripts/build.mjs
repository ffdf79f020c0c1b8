// The one build script: an esbuild context per target, all written under dist/.
// Hooks are tiny single-file bundles that must start fast on any Node >= 18, so they get
// their own target, a shebang banner and minification; everything else targets Node 22.
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning',
  define: { BLUEPLANE_VERSION: JSON.stringify(version) },
};

const hook = (name) => ({
  ...common,
  entryPoints: [`hooks/${name}.ts`],
  outfile: `dist/hooks/${name}.js`,
  target: 'node18',
  minify: true,
  banner: { js: '#!/usr/bin/env node' },
});

const targets = [
  hook('claude'),
  hook('cursor'),
  {
    ...common,
    entryPoints: ['core/cli.ts'],
    outfile: 'dist/core/cli.js',
    target: 'node22',
    banner: { js: '#!/usr/bin/env node' },
    external: ['better-sqlite3'],
    sourcemap: 'linked',
  },
  {
    ...common,
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension/extension.js',
    target: 'node22',
    external: ['vscode'],
    sourcemap: 'linked',
  },
];

const executables = ['dist/hooks/claude.js', 'dist/hooks/cursor.js', 'dist/core/cli.js'];

const contexts = await Promise.all(targets.map((options) => esbuild.context(options)));
if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
  for (const file of executables) chmodSync(file, 0o755);
}
