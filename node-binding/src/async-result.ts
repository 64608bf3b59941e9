// The three states of work a view started and will render when it ends.

/** The state of async work started with `assignAsync`. */
export type AsyncResult<T> =
  | { readonly status: "loading"; /** The last good result, while reloading. */ readonly result?: T }
  | { readonly status: "ok"; readonly result: T }
  | {
      readonly status: "failed";
      /** What the work threw. Server side only: it never reaches the page. */
      readonly error: unknown;
      /** The last good result, if there was one. */
      readonly result?: T;
    };

/** The keys of `State` whose values are AsyncResults. */
export type AsyncKeys<State> = {
  [K in keyof State]-?: State[K] extends AsyncResult<unknown> | undefined ? K : never;
}[keyof State] &
  string;

/** The result type of an AsyncResult-typed state field. */
export type AsyncValue<Field> = Field extends AsyncResult<infer T> | undefined ? T : never;

/** A loading result, for a field's initial state. */
export function loading<T>(result?: T): AsyncResult<T> {
  return result === undefined ? { status: "loading" } : { status: "loading", result };
}
