// The uploads of one live view (docs/uploads.md). The browser announces
// the files it wants to send ("$upload"); each is checked against the
// view's `static uploads` before a byte travels, then allowed in the core,
// which writes the chunks to a temporary file and reports progress here.
// Views read the entries to render progress and errors, and take the
// finished files with `consumeUploads`.

import { rm } from "node:fs/promises";
import { isJsonObject, type JsonValue } from "./json";

/** How one named upload of a view is checked (`static uploads = { avatar: {...} }`). */
export interface UploadOptions {
  /** Extensions (".png") or MIME types ("image/webp", "image/*"); empty or absent: any file. */
  readonly accept?: readonly string[];
  /** Files selected at once, counting those not yet consumed; default 1. */
  readonly maxEntries?: number;
  /** Largest file in bytes; default 8,000,000. */
  readonly maxFileSize?: number;
  /** Bytes per binary frame; default 64,000. The browser waits for each chunk's ack. */
  readonly chunkSize?: number;
  /** Send as soon as selected (true) or when the form is submitted (false, the default). */
  readonly autoUpload?: boolean;
  /**
   * Sends the files elsewhere (a storage service's presigned URL) instead
   * of over the socket: called for each accepted entry, it returns what
   * the browser's uploader needs, `uploader` naming it in
   * `window.LiveTS.uploaders` ("PUT", built in, sends the file as the body
   * of a PUT to `url` with `headers`). The browser reports progress and
   * completion; `consumeUploads` then gives the entry with this metadata
   * in `external` and an empty path.
   */
  readonly external?: ((entry: UploadEntry) => ExternalUpload | Promise<ExternalUpload>) | null;
}

/** What a browser's uploader needs for one external upload. */
export interface ExternalUpload {
  readonly uploader: string;
  readonly [key: string]: JsonValue;
}

/** One selected file, as a view renders it. */
export interface UploadEntry {
  /** The browser's id for the entry, unique on its connection. */
  readonly ref: string;
  readonly name: string;
  /** Bytes, as the browser declared them (and the core enforces). */
  readonly size: number;
  /** The browser's MIME type; "" when it did not know. */
  readonly type: string;
  /** 0 to 100. */
  readonly progress: number;
  /** Whether every byte is in the temporary file. */
  readonly done: boolean;
  /** Why the entry was refused or failed; empty while all is well. */
  readonly errors: readonly string[];
  /** An external upload's metadata (`UploadOptions.external`), else null. */
  readonly external: ExternalUpload | null;
}

export const UPLOAD_DEFAULTS = { maxEntries: 1, maxFileSize: 8_000_000, chunkSize: 64_000, autoUpload: false } as const;
/** The browser's events, answered by the framework and never seen by the view. */
export const UPLOAD_EVENT = "$upload";
export const UPLOAD_CANCEL_EVENT = "$upload-cancel";
/** The form of held entries (autoUpload: false) was submitted: `{refs}` may be sent now. */
export const UPLOAD_START_EVENT = "$upload-start";
/** The browser's uploader reports on an external upload: `{ref, progress}` or `{ref, error}`. */
export const UPLOAD_EXTERNAL_EVENT = "$upload-external";
const ENTRY_REF = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_NAME_LENGTH = 255;

/** What the uploads need from the core, bound to one view. */
export interface UploadCore {
  allow(ref: string, size: number, chunkBytes: number): void;
  cancel(ref: string): void;
  /** Tells the browser not to send `ref` (a refused announcement). */
  refuse(ref: string, reason: string): void;
  /** Tells the browser `ref` is accepted, to be sent when its form is submitted. */
  hold(ref: string): void;
  /** Tells the browser to send `ref` with its uploader, not over the socket. */
  sendExternal(ref: string, meta: ExternalUpload): void;
}

interface Entry {
  upload: string;
  ref: string;
  name: string;
  size: number;
  type: string;
  received: number;
  path: string | null;
  errors: string[];
  /** Accepted, and waiting for its form's submit (autoUpload: false). */
  held: boolean;
  external: ExternalUpload | null;
  /** External: the browser said every byte arrived. */
  externalDone: boolean;
}

/** Checks a view's `static uploads` once, with the mistake named. */
export function checkUploadOptions(label: string, declared: unknown): ReadonlyMap<string, Required<UploadOptions>> {
  const out = new Map<string, Required<UploadOptions>>();
  if (declared === undefined) return out;
  if (declared === null || typeof declared !== "object") throw new TypeError(`${label}: static uploads must be an object of named uploads`);
  for (const [name, value] of Object.entries(declared as Record<string, unknown>)) {
    const o = (value ?? {}) as UploadOptions;
    const whole = (what: keyof UploadOptions, v: unknown, min: number): number => {
      if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
        throw new TypeError(`${label}: uploads.${name}.${what} must be an integer of at least ${min}, not ${String(v)}`);
      }
      return v;
    };
    if (o.accept !== undefined && (!Array.isArray(o.accept) || o.accept.some((a) => typeof a !== "string" || a === ""))) {
      throw new TypeError(`${label}: uploads.${name}.accept must be an array of extensions (".png") or MIME types ("image/webp")`);
    }
    out.set(name, {
      accept: (o.accept ?? []).map((a) => a.toLowerCase()),
      maxEntries: whole("maxEntries", o.maxEntries ?? UPLOAD_DEFAULTS.maxEntries, 1),
      maxFileSize: whole("maxFileSize", o.maxFileSize ?? UPLOAD_DEFAULTS.maxFileSize, 0),
      chunkSize: whole("chunkSize", o.chunkSize ?? UPLOAD_DEFAULTS.chunkSize, 1),
      autoUpload: o.autoUpload === true,
      external: checkExternal(label, name, o.external),
    });
  }
  return out;
}

function checkExternal(label: string, name: string, external: unknown): Required<UploadOptions>["external"] {
  if (external === undefined || external === null) return null;
  if (typeof external !== "function") throw new TypeError(`${label}: uploads.${name}.external must be a function of the entry`);
  return external as Required<UploadOptions>["external"];
}

/** Whether `accept` lets a file of this name and type through. */
export function accepts(accept: readonly string[], name: string, type: string): boolean {
  if (accept.length === 0) return true;
  const lowerName = name.toLowerCase();
  const lowerType = type.toLowerCase();
  return accept.some((a) => {
    if (a.startsWith(".")) return lowerName.endsWith(a);
    if (a.endsWith("/*")) return lowerType.startsWith(a.slice(0, -1));
    return lowerType === a;
  });
}

/** The entries of one view's uploads, by upload name. */
export class ViewUploads {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly options: ReadonlyMap<string, Required<UploadOptions>>,
    private readonly core: UploadCore,
    /** The view must render again. */
    private readonly changed: () => void,
  ) {}

  /** The entries of `upload`, in the order they were selected. */
  list(upload: string): UploadEntry[] {
    return [...this.entries.values()].filter((e) => e.upload === upload).map(view);
  }

  /**
   * The browser selected files: `{upload, entries: [{ref, name, size, type}]}`.
   * Each is checked (count, size, type) before any byte is sent; a refused
   * one is listed with its error, and the browser told not to send it.
   * Returns a reason for a malformed announcement, else null.
   */
  async announce(payload: JsonValue): Promise<string | null> {
    if (!isJsonObject(payload) || typeof payload.upload !== "string" || !Array.isArray(payload.entries)) {
      return "an upload announcement is {upload, entries}";
    }
    const options = this.options.get(payload.upload);
    if (options === undefined) return "no such upload";
    const announced: Entry[] = [];
    for (const e of payload.entries) {
      if (!isJsonObject(e) || typeof e.ref !== "string" || !ENTRY_REF.test(e.ref) || typeof e.name !== "string" ||
          typeof e.size !== "number" || !Number.isSafeInteger(e.size) || e.size < 0 || typeof e.type !== "string") {
        return "an upload entry is {ref, name, size, type}";
      }
      if (this.entries.has(e.ref) || announced.some((a) => a.ref === e.ref)) return "upload entry ref already in use";
      announced.push({ upload: payload.upload, ref: e.ref, name: e.name.slice(0, MAX_NAME_LENGTH), size: e.size,
                       type: e.type.slice(0, MAX_NAME_LENGTH), received: 0, path: null, errors: [], held: false,
                       external: null, externalDone: false });
    }
    let kept = this.list(payload.upload).filter((e) => e.errors.length === 0).length;
    for (const entry of announced) {
      const error = entry.size > options.maxFileSize ? `too large (over ${options.maxFileSize} bytes)`
        : !accepts(options.accept, entry.name, entry.type) ? "file type not accepted"
        : kept >= options.maxEntries ? `too many files (at most ${options.maxEntries})`
        : null;
      this.entries.set(entry.ref, entry);
      if (error === null) {
        kept++;
        entry.held = !options.autoUpload;
        if (entry.held) this.core.hold(entry.ref);
        else await this.send(entry, options);
      } else {
        entry.errors.push(error);
        this.core.refuse(entry.ref, error);
      }
    }
    this.changed();
    return null;
  }

  /** An accepted entry goes: over the socket, or to its external uploader. */
  private async send(entry: Entry, options: Required<UploadOptions>): Promise<void> {
    if (options.external === null) return this.core.allow(entry.ref, entry.size, options.chunkSize);
    const meta = await options.external(view(entry));
    if (!isJsonObject(meta as JsonValue) || typeof meta.uploader !== "string") {
      throw new TypeError(`uploads.${entry.upload}.external must return {uploader, ...}, not ${JSON.stringify(meta)}`);
    }
    entry.external = meta;
    this.core.sendExternal(entry.ref, meta);
  }

  /** The browser's uploader reports (`{ref, progress}` or `{ref, error}`) on an external upload. */
  externalProgress(payload: JsonValue): string | null {
    if (!isJsonObject(payload) || typeof payload.ref !== "string") return "an external upload report is {ref, progress} or {ref, error}";
    const entry = this.entries.get(payload.ref);
    if (entry === undefined || entry.external === null || entry.externalDone) return null;
    if (typeof payload.error === "string") {
      entry.errors.push(payload.error.slice(0, MAX_NAME_LENGTH));
    } else if (typeof payload.progress === "number" && payload.progress >= 0 && payload.progress <= 100) {
      entry.received = Math.floor((entry.size * payload.progress) / 100);
      entry.externalDone = payload.progress === 100;
    } else {
      return "an external upload report is {ref, progress} or {ref, error}";
    }
    this.changed();
    return null;
  }

  /** The form of held entries was submitted (`{refs}`): they may be sent now. */
  async start(payload: JsonValue): Promise<string | null> {
    if (!isJsonObject(payload) || !Array.isArray(payload.refs) || payload.refs.some((r) => typeof r !== "string")) {
      return "an upload start is {refs}";
    }
    for (const ref of payload.refs as string[]) {
      const entry = this.entries.get(ref);
      if (entry === undefined || !entry.held) continue;
      entry.held = false;
      await this.send(entry, this.options.get(entry.upload)!);
    }
    return null;
  }

  /** The browser dropped an entry (`{ref}`): its partial or finished file goes. */
  cancelFromBrowser(payload: JsonValue): string | null {
    if (!isJsonObject(payload) || typeof payload.ref !== "string") return "an upload cancel is {ref}";
    this.cancel(payload.ref);
    return null;
  }

  /** Drops an entry, whatever its state. */
  cancel(ref: string): void {
    const entry = this.entries.get(ref);
    if (entry === undefined) return;
    this.entries.delete(ref);
    if (entry.path !== null) void removeFile(entry.path);
    else if (entry.errors.length === 0 && !entry.held && entry.external === null) this.core.cancel(ref);
    this.changed();
  }

  progress(ref: string, received: number): void {
    const entry = this.entries.get(ref);
    if (entry === undefined) return;
    const before = percent(entry);
    entry.received = received;
    // A render per whole percent, not per chunk.
    if (percent(entry) !== before) this.changed();
  }

  done(ref: string, path: string): void {
    const entry = this.entries.get(ref);
    // An entry cancelled after its last chunk was on its way: the file is nobody's.
    if (entry === undefined) return void removeFile(path);
    entry.received = entry.size;
    entry.path = path;
    this.changed();
  }

  failed(ref: string, reason: string): void {
    const entry = this.entries.get(ref);
    if (entry === undefined) return;
    entry.errors.push(reason);
    this.changed();
  }

  /**
   * Hands each finished entry of `upload` to `fn` with its file's path,
   * one at a time, then removes the file (unless `fn` moved it) and the
   * entry. Unfinished and failed entries stay. Returns what `fn` returned.
   */
  async consume<T>(upload: string, fn: (entry: UploadEntry, path: string) => T | Promise<T>): Promise<T[]> {
    if (!this.options.has(upload)) throw new Error(`consumeUploads: no upload named ${JSON.stringify(upload)} in static uploads`);
    const results: T[] = [];
    for (const entry of [...this.entries.values()]) {
      if (entry.upload !== upload || !isDone(entry) || entry.errors.length > 0) continue;
      this.entries.delete(entry.ref);
      const path = entry.path;
      try {
        results.push(await fn(view(entry), path ?? ""));
      } finally {
        if (path !== null) await removeFile(path);
      }
    }
    this.changed();
    return results;
  }

  /** The view is gone: its files go too (the core already dropped partial ones with the connection, or drops them now). */
  dispose(): void {
    for (const entry of this.entries.values()) {
      if (entry.path !== null) void removeFile(entry.path);
      else if (entry.errors.length === 0 && !entry.held && entry.external === null) this.core.cancel(entry.ref);
    }
    this.entries.clear();
  }
}

function percent(entry: Entry): number {
  return entry.size === 0 ? 100 : Math.floor((entry.received * 100) / entry.size);
}

function isDone(entry: Entry): boolean {
  return entry.path !== null || entry.externalDone;
}

function view(entry: Entry): UploadEntry {
  return { ref: entry.ref, name: entry.name, size: entry.size, type: entry.type, progress: isDone(entry) ? 100 : percent(entry),
           done: isDone(entry), errors: [...entry.errors], external: entry.external };
}

async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
