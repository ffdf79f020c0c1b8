// Types for the part of better-sqlite3 13 the storage layer uses (the package ships none, and
// @types/better-sqlite3 is not a dependency). Shapes follow the library's docs/api.md.
declare module 'better-sqlite3' {
  export type BindValue = string | number | bigint | Buffer | Uint8Array | null;
  /** A positional value, or an object of named parameters (`:name` in the SQL). */
  export type BindParameter = BindValue | Readonly<Record<string, BindValue>>;

  export interface RunResult {
    changes: number;
    lastInsertRowid: number | bigint;
  }

  export interface Statement<Row = unknown> {
    run(...params: BindParameter[]): RunResult;
    get(...params: BindParameter[]): Row | undefined;
    all(...params: BindParameter[]): Row[];
    /** Rows one at a time, without holding them all in memory. */
    iterate(...params: BindParameter[]): IterableIterator<Row>;
  }

  export interface Transaction<F extends (...args: never[]) => unknown> {
    (...args: Parameters<F>): ReturnType<F>;
    immediate(...args: Parameters<F>): ReturnType<F>;
  }

  export interface Options {
    readonly?: boolean;
    fileMustExist?: boolean;
    /** Milliseconds to wait on a locked database before SQLITE_BUSY. */
    timeout?: number;
  }

  export interface Database {
    readonly name: string;
    readonly open: boolean;
    readonly inTransaction: boolean;
    prepare<Row = unknown>(sql: string): Statement<Row>;
    exec(sql: string): this;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
    close(): this;
  }

  const Database: new (filename: string, options?: Options) => Database;
  export default Database;
}
