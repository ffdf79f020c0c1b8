// What every CLI command gets from the entry point, so commands never read process globals and
// tests can run them in-process with their own environment and output.
export type Env = Record<string, string | undefined>;

export interface CliContext {
  env: Env;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Folder with the built hook bundles (dist/hooks), found next to the CLI bundle. */
  hookBundleDir: string;
  /** The running runtime (process.execPath) and whether it is Electron rather than plain Node. */
  execPath: string;
  runningElectron: boolean;
}

/** A mistake in the command line: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes: 0 done; 1 something to fix in a file or the environment; 2 a mistake in the command line. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
