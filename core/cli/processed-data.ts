// How the CLI's reading commands (analyze, sessions, insights) open telemetry.db: read-only and
// through Layer 3's ProcessedDatabase, so they read processed data only and never need Redis.
// A missing database, or one the daemon has not migrated yet, is told as what to do (exit 1).
import { loadConfig } from '../config.ts';
import { ProcessedDatabase } from '../query/processed-database.ts';
import { NoDatabaseError } from '../storage/read-only-database.ts';
import { EXIT_FAILURE, type CliContext } from './context.ts';

/** Runs `read` on the processed database of the configured data folder, then closes it. */
export function withProcessedDatabase(context: CliContext, commandLine: string, read: (db: ProcessedDatabase) => number): number {
  const { home } = loadConfig(context.env);
  let db: ProcessedDatabase;
  try {
    db = ProcessedDatabase.open(home);
  } catch (error) {
    if (!(error instanceof NoDatabaseError)) throw error;
    context.stderr(`${commandLine}: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  try {
    return read(db);
  } catch (error) {
    // A database written by an older daemon: its processed tables come with the next start.
    if (!/no such (table|column)/.test((error as Error).message)) throw error;
    context.stderr(`${commandLine}: the database in ${home} has no processed data of this version yet (${(error as Error).message}): restart the daemon (\`blueplane stop\`, then \`blueplane start --detach\`), which updates it\n`);
    return EXIT_FAILURE;
  } finally {
    db.close();
  }
}
