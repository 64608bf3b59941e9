// Where the framework writes what went wrong.

/** Where the framework writes what went wrong: `console` by default. */
export interface Logger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
