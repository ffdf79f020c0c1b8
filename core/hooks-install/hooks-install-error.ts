// The one error type of hook installation: something about a file or the runtime that the user
// must fix. It always says which file (when there is one) and what to do; the CLI prints it as is
// and exits 1. Anything else thrown is a bug.
export class HooksInstallError extends Error {
  readonly file: string | undefined;

  constructor(message: string, file?: string) {
    super(message);
    this.name = 'HooksInstallError';
    this.file = file;
  }
}
