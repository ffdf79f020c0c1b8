// Reads the shared hook payload fixtures (../shared/fixtures), without their provenance field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures');

export function readFixturePayloads(file: 'claude-hooks.docs.jsonl' | 'cursor-hooks.jsonl'): Array<Record<string, unknown>> {
  return readFileSync(join(FIXTURES_DIR, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const payload = JSON.parse(line) as Record<string, unknown>;
      delete payload._source;
      return payload;
    });
}
