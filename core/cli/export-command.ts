// `blueplane export`: processed data (sessions with their metrics, turns, code changes, insights;
// never raw traces) as JSON, CSV or Parquet files, optionally for a date range and anonymized.
// Reads through Layer 3's ProcessedDatabase, so it needs neither the daemon nor Redis.
import { loadConfig } from '../config.ts';
import { ExportTargetError, exportToFiles, type FileExportSummary } from '../export/export-file.ts';
import { ExportRangeError, parseRange } from '../export/export-range.ts';
import { TABLE_NAMES, type TableName } from '../export/export-tables.ts';
import { progressBar } from '../export/progress-bar.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../export/write-export.ts';
import { ProcessedDatabase } from '../query/processed-database.ts';
import { NoDatabaseError } from '../storage/read-only-database.ts';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliContext } from './context.ts';

export const help = `Usage: blueplane export -f json|csv|parquet -o PATH [options]

Writes what Blueplane has processed (never the raw events): sessions with every metric, their
turns, their code changes, and the insights. No code, path, prompt or command line is in the
database, so none can be in an export.

  JSON     one document: {exported_at, range, anonymized, sessions: [each with its metrics,
           turns and changes], insights: [...]}. -o names the file.
  CSV      one table per file, with a header line (RFC 4180). -o names a file for the table
  Parquet  chosen with --table (default sessions), or a folder (an existing one, or a path
           ending in /) that gets one file per table: sessions, turns, changes, insights
           (.csv or .parquet). The sessions table flattens the useful numbers of a session's
           metrics into columns (prompts, tool calls and errors, acceptance, tokens per kind,
           cost, lines, duration, ...); the JSON export keeps the whole metrics object.

Options:
  -f, --format FORMAT  json, csv or parquet (default: from the file's extension)
  -o, --output PATH    the file (or, for CSV and Parquet, the folder) to write
  --table TABLE        sessions, turns, changes or insights (CSV and Parquet into one file)
  --since DATE         sessions last active at or after DATE (ISO date or date-time, UTC
                       unless it names a zone: 2026-03-01, 2026-03-01T14:30, ...+02:00)
  --until DATE         sessions last active before DATE (exclusive)
  --anonymize          replace every identifier (session, project, workspace, file and prompt
                       hashes, turn and change ids, insight scopes) with a random one that is
                       the same everywhere in this export and unlinkable to any other export
  --force              replace files that already exist
  --json               print what was written as JSON
  -h, --help           show this help

Files are written to a temporary file and renamed when complete (mode 0600), never inside the
data folder. A progress bar is drawn on stderr for long exports when it is a terminal.

Exit codes: 0 written, 1 no database or the output cannot be written (exists, inside the data
folder, ...), 2 bad command line.
`;

const COMMAND_LINE = 'blueplane export';
const SEE_HELP = `run \`${COMMAND_LINE} --help\``;

function formatOf(value: string | undefined, output: string): ExportFormat {
  if (value !== undefined) {
    const format = value.toLowerCase();
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format '${value}': use json, csv or parquet; ${SEE_HELP}`);
    return format as ExportFormat;
  }
  const extension = /\.(json|csv|parquet)$/i.exec(output)?.[1]?.toLowerCase();
  if (!extension) throw new UsageError(`say which format to write with -f json, -f csv or -f parquet; ${SEE_HELP}`);
  return extension as ExportFormat;
}

function describe(summary: FileExportSummary): string {
  const lines = summary.files.map((file) => {
    const rows = Object.entries(file.rows)
      .map(([table, count]) => `${count} ${table}`)
      .join(', ');
    return `  ${file.path}: ${rows} (${file.bytes} bytes)`;
  });
  const anonymized = summary.files[0]?.anonymized ? ', anonymized' : '';
  return `Exported${anonymized}:\n${lines.join('\n')}\n`;
}

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(
    args,
    { booleans: ['anonymize', 'force', 'json', 'help'], strings: ['format', 'output', 'table', 'since', 'until'], aliases: { h: 'help', f: 'format', o: 'output' } },
    COMMAND_LINE,
  );
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'; ${SEE_HELP}`);
  const output = parsed.strings.get('output');
  if (output === undefined || output.trim() === '') throw new UsageError(`name the file to write with -o PATH; ${SEE_HELP}`);
  const format = formatOf(parsed.strings.get('format'), output);
  const table = parsed.strings.get('table');
  if (table !== undefined && !(TABLE_NAMES as readonly string[]).includes(table)) throw new UsageError(`unknown table '${table}': use ${TABLE_NAMES.join(', ')}; ${SEE_HELP}`);
  if (table !== undefined && format === 'json') throw new UsageError(`--table is for CSV and Parquet; a JSON export holds every table; ${SEE_HELP}`);
  let range;
  try {
    range = parseRange(parsed.strings.get('since'), parsed.strings.get('until'));
  } catch (error) {
    if (error instanceof ExportRangeError) throw new UsageError(error.message);
    throw error;
  }

  const config = loadConfig(context.env);
  let db: ProcessedDatabase;
  try {
    db = ProcessedDatabase.open(config.home);
  } catch (error) {
    if (!(error instanceof NoDatabaseError)) throw error;
    context.stderr(`${COMMAND_LINE}: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  const bar = progressBar(process.stderr, `Exporting ${table ?? (format === 'json' ? 'sessions' : 'tables')}`);
  try {
    const summary = await exportToFiles(
      db,
      { format, ...(table ? { table: table as TableName } : {}), range, anonymize: parsed.booleans.has('anonymize'), progress: (done, total) => bar.update(done, total) },
      { path: output, cwd: context.cwd, force: parsed.booleans.has('force'), home: config.home },
    );
    bar.end();
    context.stdout(parsed.booleans.has('json') ? `${JSON.stringify(summary)}\n` : describe(summary));
    return EXIT_OK;
  } catch (error) {
    bar.end();
    if (error instanceof ExportTargetError) {
      context.stderr(`${COMMAND_LINE}: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOENT' || code === 'ENOSPC' || code === 'EROFS' || code === 'ENOTDIR') {
      context.stderr(`${COMMAND_LINE}: cannot write ${output}: ${(error as Error).message}; check the folder exists and is writable\n`);
      return EXIT_FAILURE;
    }
    if (/no such (table|column)/.test((error as Error).message)) {
      context.stderr(`${COMMAND_LINE}: the database in ${config.home} has no processed data of this version yet (${(error as Error).message}): restart the daemon (\`blueplane stop\`, then \`blueplane start --detach\`), which updates it\n`);
      return EXIT_FAILURE;
    }
    throw error;
  } finally {
    db.close();
  }
}
