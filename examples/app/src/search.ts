import { LiveView, html, type EventPayload, type Html, type Params } from "livets";

import { ELEMENTS, type Element } from "./elements";

const PER_PAGE = 8;

interface State {
  q: string;
  page: number;
  results: readonly Element[];
  pages: number;
}

function searchUrl(q: string, page: number): string {
  const query = new URLSearchParams();
  if (q !== "") query.set("q", q);
  if (page > 1) query.set("page", String(page));
  const text = query.toString();
  return text === "" ? "/search" : `/search?${text}`;
}

/**
 * Live navigation: the query and page live in the URL. Typing pushes a
 * patch (replacing the history entry), page links are ts-link="patch"
 * links, and back and forward bring each state back through handleParams.
 * An element's link mounts another view over the same socket.
 */
export class Search extends LiveView<State> {
  static override events = ["search"] as const;

  state: State = { q: "", page: 1, results: [], pages: 1 };

  override handleParams(params: Params): void {
    const q = (params.q ?? "").trim().toLowerCase();
    const matching = ELEMENTS.filter((e) => q === "" || e.name.toLowerCase().includes(q) || e.symbol.toLowerCase() === q);
    const pages = Math.max(1, Math.ceil(matching.length / PER_PAGE));
    const page = Math.min(Math.max(1, Number.parseInt(params.page ?? "1", 10) || 1), pages);
    this.setState({ q, page, pages, results: matching.slice((page - 1) * PER_PAGE, page * PER_PAGE) });
  }

  override handleEvent(event: string, payload: EventPayload): void {
    if (event === "search") {
      const q = typeof payload.value === "string" ? payload.value : "";
      this.pushPatch(searchUrl(q.trim(), 1), { replace: true });
    }
  }

  override render(): Html {
    const { q, page, pages, results } = this.state;
    const link = (n: number, label: string): Html =>
      n === page || n < 1 || n > pages
        ? html`<span class="page">${label}</span>`
        : html`<a class="page" id="page-${label}" href="${searchUrl(q, n)}" ts-link="patch">${label}</a>`;
    return html`<h1>Elements</h1>
      <input id="q" name="q" type="search" value="${q}" placeholder="Search" ts-on:input.debounce.200ms="search" autocomplete="off">
      <ol id="results" start="${(page - 1) * PER_PAGE + 1}">
        ${results.map((e) => html`<li><a href="/elements/${e.symbol}" ts-link="navigate">${e.name}</a> <small>${e.symbol}</small></li>`)}
      </ol>
      <nav>${link(page - 1, "prev")} <span id="page">${page}</span> / ${pages} ${link(page + 1, "next")}</nav>
      <p><a href="/">All examples</a></p>`;
  }
}

/** One element, at /elements/:symbol. */
export class ElementView extends LiveView<{ element: Element | null }> {
  static override events = ["random"] as const;

  state: { element: Element | null } = { element: null };

  override handleParams(params: Params): void {
    this.setState({ element: ELEMENTS.find((e) => e.symbol === params.symbol) ?? null });
  }

  override handleEvent(event: string): void {
    if (event === "random") {
      const next = ELEMENTS[Math.floor(Math.random() * ELEMENTS.length)];
      this.putFlash("info", `Jumped to ${next.name}`);
      this.pushNavigate(`/elements/${next.symbol}`);
    }
  }

  override render(): Html {
    const { element } = this.state;
    const flash = this.flash.info;
    return html`${flash !== undefined ? html`<p class="ts-flash ts-flash-info" role="status">${flash}</p>` : ""}
      ${element === null
        ? html`<h1>No such element</h1>`
        : html`<h1 id="element">${element.name}</h1><p>Symbol <b>${element.symbol}</b>, number ${element.number}.</p>`}
      <button id="random" ts-on:click="random">Random element</button>
      <p><a id="back" href="/search" ts-link="navigate">All elements</a></p>`;
  }
}
