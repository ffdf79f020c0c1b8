// Cursor hook entry: `<node> <home>/bin/cursor-hook.js <eventName>`. Prints exactly `{}` (an empty
// response: no permission, continue or follow-up decision), exits 0.
import { runHook } from './run-hook.ts';

runHook({ platform: 'cursor', output: '{}' });
