// Server → hook events and hook replies (docs/protocol.md, "Push events
// and replies"). A view's `pushEvent` is queued and goes out after the
// patch of the task that made it, so a hook that handles it sees the DOM
// that task rendered. What `handleEvent` returns for an event goes back to
// the one hook that pushed it, before the event's answer.

import type { JsonValue } from "./json";
import { pushEventFrame, replyFrame, type PushEventFrame, type ReplyFrame } from "./protocol";

/** The longest event name a view may push, as for browser events. */
export const MAX_PUSH_EVENT_NAME = 256;

/** JSON text of `value`, or a TypeError saying what `what` must be. */
function jsonOf(value: unknown, what: string): JsonValue {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new TypeError(`${what} must be JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (text === undefined) throw new TypeError(`${what} must be JSON, not ${typeof value}`);
  // Parsed back, so what is sent is what JSON keeps (no Dates, no undefined fields).
  return JSON.parse(text) as JsonValue;
}

/** Checks `pushEvent(name, payload)`'s arguments; returns the payload as it travels. */
export function checkPushEvent(name: unknown, payload: unknown): JsonValue {
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_PUSH_EVENT_NAME) {
    throw new TypeError(`pushEvent needs an event name of 1 to ${MAX_PUSH_EVENT_NAME} characters, not ${JSON.stringify(name) ?? String(name)}`);
  }
  return jsonOf(payload, `the payload of pushEvent(${JSON.stringify(name)})`);
}

/**
 * What a handler's return value means as a reply: `undefined` (and
 * functions) is no reply; anything else must be JSON, or the handler is
 * at fault as if it had thrown.
 */
export function replyOf(value: unknown, where: string): JsonValue | undefined {
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return undefined;
  return jsonOf(value, `the value ${where} returned`);
}

/** One view's pushed events and its reply to the request being handled. */
export class PushEvents {
  private events: PushEventFrame[] = [];
  private reply: { readonly ref: number; readonly value: JsonValue } | null = null;

  /** Queues `name` for the hooks of `wireId`; throws on a bad name or a payload that is not JSON. */
  push(wireId: string, name: unknown, payload: unknown): void {
    this.events.push(pushEventFrame(wireId, name as string, checkPushEvent(name, payload)));
  }

  /** Holds `value` as the reply to `ref`, if it is one. */
  hold(ref: number, value: unknown, where: string): void {
    const reply = ref === 0 ? undefined : replyOf(value, where);
    this.reply = reply === undefined ? null : { ref, value: reply };
  }

  /** The reply to `ref` on `wireId`, if its handler gave one. */
  takeReply(ref: number, wireId: string): ReplyFrame | null {
    const reply = this.reply;
    this.reply = null;
    return reply !== null && reply.ref === ref ? replyFrame(wireId, ref, reply.value) : null;
  }

  /** The events pushed since the last call, in order. */
  takeEvents(): PushEventFrame[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  /** A crash or a teardown: nothing queued goes out. */
  clear(): void {
    this.events = [];
    this.reply = null;
  }
}
