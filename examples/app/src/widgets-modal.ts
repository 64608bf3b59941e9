import { JS, html, type Html } from "livets";

/**
 * The /widgets modal: shown and hidden in the browser by JS commands,
 * without a frame to the server. Rendered inside the Widgets view's markup.
 */
export function modalDemo(): Html {
  return html`<section>
      <h2>A modal, no server round trip</h2>
      <button id="open-modal" ts-on:click=${JS.show("#modal")}>Open the modal</button>
      <div id="modal" class="modal" role="dialog" aria-modal="true" style="display: none">
        <p>Shown by a JS command: the server heard nothing.</p>
        <button id="close-modal" ts-on:click=${JS.hide("#modal")}>Close</button>
      </div>
    </section>`;
}
