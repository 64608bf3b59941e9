/** A value JSON can carry. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** Parses JSON text, or gives `fallback` for text that is not JSON. */
export function parseJson(text: string, fallback: JsonValue = null): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return fallback;
  }
}

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
