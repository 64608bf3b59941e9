// What a view's `handleError` hook receives: something it rendered that
// could not reach the browser. Not a crash: the view keeps its state and
// the browser keeps showing the last render that was sent.

import { formatBytes } from "./limits";

/** A render over `maxLiveMessageBytes`: it was not sent. */
export class UpdateTooLargeError extends Error {
  /** The option that sets the limit, for the message and for code that checks. */
  readonly option = "maxLiveMessageBytes";

  constructor(
    /** The view or component class whose render it was. */
    readonly view: string,
    /** The render's size in bytes (UTF-8). */
    readonly bytes: number,
    /** The limit it passed. */
    readonly limit: number,
  ) {
    super(`a render of ${view} is ${formatBytes(bytes)}, over maxLiveMessageBytes (${formatBytes(limit)}): it was not sent`);
    this.name = "UpdateTooLargeError";
  }
}
