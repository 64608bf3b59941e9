// Where the framework writes what went wrong.

/** Where the framework writes what went wrong: `console` by default. */
export interface Logger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  /** The LIVETS_DEBUG=1 lines; `console.log` when a logger has no `info`. */
  info?(...args: unknown[]): void;
}
