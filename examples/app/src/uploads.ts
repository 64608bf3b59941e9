import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";

import { LiveView, html, type Html } from "livets";

interface Stored {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/** The SHA-256 of a file, read as a stream: an upload is never whole in memory. */
async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Uploads: files of any type, up to 3 at once and 20 MB each, sent over the
 * page's socket as they are picked, with progress, errors and cancel per
 * file. Saving takes each finished file from its temporary path; here it
 * is only measured and hashed, then the framework removes it.
 */
export class UploadDemo extends LiveView<{ stored: readonly Stored[] }> {
  static override events = ["save"] as const;
  static uploads = {
    files: { maxEntries: 3, maxFileSize: 20_000_000, chunkSize: 64_000, autoUpload: true },
  };

  state = { stored: [] as readonly Stored[] };

  override pageTitle(): string {
    return "Uploads";
  }

  override render(): Html {
    const entries = this.uploadEntries("files");
    return html`<h1>Uploads</h1>
      <form id="upload-form" ts-on:submit="save">
        <div class="drop" ts-drop-target="files">
          <input type="file" id="file" name="file" multiple ts-upload="files">
          <p>or drop files here (up to 3, 20 MB each)</p>
        </div>
        <ul id="entries">${entries.map(
          (e) => html`<li data-ref="${e.ref}" data-done="${e.done ? "true" : "false"}">
            <span class="name">${e.name}</span>
            <progress value="${e.progress}" max="100">${e.progress}%</progress>
            ${e.errors.map((error) => html`<span class="upload-error">${error}</span>`)}
            <button type="button" class="cancel" ts-upload-cancel="${e.ref}">Cancel</button>
          </li>`,
        )}</ul>
        <button type="submit" id="save">Save</button>
      </form>
      <h2>Stored</h2>
      <ul id="uploaded">${this.state.stored.map(
        (s) => html`<li><span class="name">${s.name}</span> <span class="size">${s.size}</span> bytes,
          SHA-256 <code class="sha256">${s.sha256}</code></li>`,
      )}</ul>
      <p><a href="/">All examples</a></p>`;
  }

  override async handleEvent(event: string): Promise<void> {
    if (event !== "save") return;
    const stored = await this.consumeUploads("files", async (entry, path) => ({
      name: entry.name,
      size: (await stat(path)).size,
      sha256: await sha256Of(path),
    }));
    this.setState({ stored: [...this.state.stored, ...stored] });
  }
}
