// What dist/hooks/claude.js and cursor.js start with: the build (scripts/build.mjs) bundles
// hooks/claude.ts or hooks/cursor.ts on its own and hands it in as `blueplane:hook-source`.
import { id, source } from 'blueplane:hook-source';
import { runWithCodeCache } from './code-cache.ts';

runWithCodeCache(source, id);
