// A ready-made way to show flash messages, with a close button that clears
// them through the framework's own "$clear-flash" event.

import { html, type Html } from "./html";
import type { Flash } from "./view-host";

/**
 * The flash messages as `<div class="ts-flash ts-flash-{kind}"
 * role="alert">` elements, each closing (and clearing that kind on the
 * server) when clicked. Render it in a view: `${flashGroup(this.flash)}`.
 */
export function flashGroup(flash: Flash): Html {
  return html`${Object.entries(flash).map(
    ([kind, text]) =>
      html`<div class="ts-flash ts-flash-${kind}" role="alert" ts-on:click="$clear-flash" ts-value-kind="${kind}">${text}</div>`,
  )}`;
}
