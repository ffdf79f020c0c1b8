// Claude Code hook entry: `<node> <home>/bin/claude-hook.js <EventName>`. Prints nothing, exits 0.
// Cursor can run Claude Code's hooks too (its third-party hooks toggle); the Cursor hook records
// those events, so here they are ignored: payload with cursor_version, or CURSOR_VERSION set.
import { runHook } from './run-hook.ts';

runHook({
  platform: 'claude_code',
  output: '',
  ignore: (env, payload) => env.CURSOR_VERSION !== undefined || (payload !== undefined && 'cursor_version' in payload),
});
