// The one build script: an esbuild context per target, all written under dist/.
// Hooks are tiny single-file bundles that must start fast on any Node >= 18, so they get
// their own target, a shebang banner and minification; everything else targets Node 22.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
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

// node:os serves the hooks only when HOME is unset (core/config.ts falls back to os.homedir()),
// and loading it costs a hook 0.3 ms: the hooks get a stand-in that loads it on first use. A new
// import from node:os in hook code fails the build here instead of silently loading it.
const lazyOs = {
  name: 'lazy-os',
  setup(build) {
    build.onResolve({ filter: /^(node:)?os$/ }, (args) =>
      args.namespace === 'lazy-os' ? { path: 'node:os', external: true } : { path: 'os', namespace: 'lazy-os' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-os' }, () => ({ contents: "export const homedir = () => require('node:os').homedir();", loader: 'js' }));
  },
};

const hookBundle = { ...common, target: 'node18', minify: true, plugins: [lazyOs] };

// A hook's own bundle becomes the virtual module `blueplane:hook-source` of hooks/launch.ts,
// which runs it through a V8 code cache (hooks/code-cache.ts). Its inputs are watched too.
const hookSource = (name) => ({
  name: 'hook-source',
  setup(build) {
    build.onResolve({ filter: /^blueplane:hook-source$/ }, () => ({ path: name, namespace: 'hook-source' }));
    build.onLoad({ filter: /.*/, namespace: 'hook-source' }, async () => {
      const inner = await esbuild.build({ ...hookBundle, entryPoints: [`hooks/${name}.ts`], write: false, metafile: true });
      const source = inner.outputFiles[0].text;
      const id = `${name}-${createHash('sha256').update(source).digest('hex').slice(0, 16)}`;
      return {
        contents: `export const source = ${JSON.stringify(source)};\nexport const id = ${JSON.stringify(id)};\n`,
        loader: 'js',
        watchFiles: Object.keys(inner.metafile.inputs),
      };
    });
  },
});

const hook = (name) => ({
  ...hookBundle,
  group: 'hooks',
  entryPoints: ['hooks/launch.ts'],
  outfile: `dist/hooks/${name}.js`,
  banner: { js: '#!/usr/bin/env node' },
  plugins: [hookSource(name), lazyOs],
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
    // better-sqlite3 is native code. The MCP SDK and zod (1.4 MB, zod alone 0.95 MB) are loaded from
    // node_modules by `blueplane mcp` only: bundled, every other command paid ~40 ms to parse them.
    external: ['better-sqlite3', '@modelcontextprotocol/sdk', 'zod'],
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
