// The one build script: an esbuild context per target, all written under dist/.
// Hooks are tiny single-file bundles that must start fast on any Node >= 18, so they get
// their own target, a shebang banner and minification; everything else targets Node 22.
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const args = process.argv.slice(2);
const watch = args.includes('--watch');
// `node scripts/build.mjs hooks` builds only the named groups (hooks, cli, extension); no name builds all.
const groups = args.filter((arg) => !arg.startsWith('--'));

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning',
  define: { BLUEPLANE_VERSION: JSON.stringify(version) },
};

const hook = (name) => ({
  ...common,
  group: 'hooks',
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
    group: 'cli',
    entryPoints: ['core/cli.ts'],
    outfile: 'dist/core/cli.js',
    target: 'node22',
    banner: { js: '#!/usr/bin/env node' },
    external: ['better-sqlite3'],
    sourcemap: 'linked',
  },
  {
    ...common,
    group: 'extension',
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension/extension.js',
    target: 'node22',
    external: ['vscode'],
    sourcemap: 'linked',
  },
];

const selected = targets.filter((target) => groups.length === 0 || groups.includes(target.group));
if (selected.length === 0) throw new Error(`nothing to build for ${groups.join(', ')}; groups: hooks, cli, extension`);

const contexts = await Promise.all(selected.map(({ group, ...options }) => esbuild.context(options)));
if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
  for (const { outfile, banner } of selected) if (banner) chmodSync(outfile, 0o755);
}
