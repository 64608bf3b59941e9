// The wire protocol as the Node layer sees it (docs/protocol.md). The core
// parses browser frames and writes renders, patches and refusals
// (Sources/LiveTSEngine/Protocol.swift); this module is the only place the
// host writes the frames it owns, and the only place TS code names a
// message's letter. tests/fixtures/wire-frames.json holds a sample of every
// kind, checked against this module, the core and the connector.

import type { JsonValue } from "./json";
import type { Flash } from "./view-host";

/** The letter of every message kind, both directions. */
export const Kind = {
  join: "j",
  event: "e",
  leave: "l",
  resync: "s",
  urlChange: "u",
  render: "r",
  patch: "p",
  refused: "x",
  uploadAck: "k",
  history: "h",
  navigate: "n",
  redirect: "g",
  flash: "f",
  title: "t",
  pushEvent: "v",
  reply: "y",
} as const;

/** The HTML is null when a join named its fingerprint (`_fp`): the page already shows it. */
export type RenderFrame = readonly [typeof Kind.render, string, number, number, string | null];
export type PatchFrame = readonly [typeof Kind.patch, string, number, number, unknown];
export type RefusedFrame = readonly [typeof Kind.refused, string, number, string];
export type HistoryFrame = readonly [typeof Kind.history, string, string, boolean];
export type NavigateFrame = readonly [typeof Kind.navigate, string, string, boolean];
export type RedirectFrame = readonly [typeof Kind.redirect, string];
export type FlashFrame = readonly [typeof Kind.flash, string, Flash];
export type TitleFrame = readonly [typeof Kind.title, string, string];
/** The core acks each chunk; the host writes one only to refuse an announced entry before any byte. */
export type UploadAckFrame = readonly [typeof Kind.uploadAck, string, string, number, (string | number | Readonly<Record<string, JsonValue>>)?];

/** A view's `pushEvent`: its hooks' `handleEvent(event)` and `LiveTS.on(event)` listeners get `payload`. */
export type PushEventFrame = readonly [typeof Kind.pushEvent, string, string, JsonValue];
/** What `handleEvent` returned for event `ref` of a hook's `pushEvent`; sent before the event's answer. */
export type ReplyFrame = readonly [typeof Kind.reply, string, number, JsonValue];

/** The frames the host writes itself, through the core's `send`. */
export type HostFrame = HistoryFrame | NavigateFrame | RedirectFrame | FlashFrame | TitleFrame | UploadAckFrame | PushEventFrame | ReplyFrame;

/** Live patch: view `id` changed the URL to `url` and stays mounted. */
export function historyFrame(id: string, url: string, replace: boolean): HistoryFrame {
  return [Kind.history, id, url, replace];
}

/** Live navigation: the browser swaps view `id` for the page at `url` over the same socket. */
export function navigateFrame(id: string, url: string, replace: boolean): NavigateFrame {
  return [Kind.navigate, id, url, replace];
}

/** Redirect: the browser leaves the page for `url`. */
export function redirectFrame(url: string): RedirectFrame {
  return [Kind.redirect, url];
}

/** Flash messages for view `id`, all of them (`{}` clears). */
export function flashFrame(id: string, flash: Flash): FlashFrame {
  return [Kind.flash, id, flash];
}

/** The page title while view `id` is shown (its `pageTitle()`, completed by the server). */
export function titleFrame(id: string, title: string): TitleFrame {
  return [Kind.title, id, title];
}

/** Upload entry `entry` of view `id` is refused: the browser sends none of it. */
export function uploadRefusedFrame(id: string, entry: string, reason: string): UploadAckFrame {
  return [Kind.uploadAck, id, entry, 0, reason];
}

/** Upload entry `entry` of view `id` is accepted and held: the browser sends it when its form is submitted. */
export function uploadHeldFrame(id: string, entry: string): UploadAckFrame {
  return [Kind.uploadAck, id, entry, 0, 0];
}

/** Upload entry `entry` of view `id` goes to an external uploader with `meta` (`{uploader, ...}`). */
export function uploadExternalFrame(id: string, entry: string, meta: Readonly<Record<string, JsonValue>>): UploadAckFrame {
  return [Kind.uploadAck, id, entry, 0, meta];
}

/** View `id` pushes `event` with `payload` to its hooks and the page's listeners. */
export function pushEventFrame(id: string, event: string, payload: JsonValue): PushEventFrame {
  return [Kind.pushEvent, id, event, payload];
}

/** The value `handleEvent` gave for request `ref` on `id`; the promise of the hook's pushEvent settles with it. */
export function replyFrame(id: string, ref: number, value: JsonValue): ReplyFrame {
  return [Kind.reply, id, ref, value];
}

/** A host frame's text, as it goes out in one WebSocket text frame. */
export function encodeFrame(frame: HostFrame): string {
  return JSON.stringify(frame);
}
