// Output limits the TypeScript layer checks itself. The core enforces its
// own (maxResponseBytes, maxLiveMessageBytes) too, but a refusal found
// here can be explained: which view, which route, what size, which option.

/** Largest page body a render may produce, in bytes: 8 MiB. */
export const DEFAULT_MAX_PAGE_BYTES = 8 * 1024 * 1024;

/** Largest HTML of one live render or patch, in bytes: 4 MiB (the core's default too). */
export const DEFAULT_MAX_LIVE_MESSAGE_BYTES = 4 * 1024 * 1024;

/** A byte count for a log line: "5,242,880 bytes". */
export function formatBytes(n: number): string {
  return `${n.toLocaleString("en-US")} bytes`;
}
