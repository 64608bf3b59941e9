// The data of a publish as it travels through the core's broker: JSON
// text, so every node and every subscriber parses the same value.

/** Serialises `data` for a publish; `undefined` travels as null. */
export function encodeInfo(data: unknown): string {
  return JSON.stringify(data) ?? "null";
}

/** Parses a publish's data; text that is not JSON arrives as the string itself. */
export function decodeInfo(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Publishers other than broadcast() may send plain text.
    return text;
  }
}
