// Line charts as inline SVG: one polyline whose points attribute is all
// that changes between renders, so an update is one attribute patch. No
// script and no style sheet: presentation attributes only, which a
// Content-Security-Policy does not govern.

import { html, type Html } from "../html";

/** The chart's drawing box, in SVG user units. */
export const CHART_WIDTH = 240;
export const CHART_HEIGHT = 48;

/** The polyline's points for `values`, oldest first, scaled to fit the box (0 at the bottom). */
export function chartPoints(values: readonly number[], capacity: number): string {
  if (values.length === 0) return "";
  const top = Math.max(...values.map((v) => (Number.isFinite(v) ? v : 0)), 0);
  const scale = top > 0 ? (CHART_HEIGHT - 2) / top : 0;
  const step = capacity > 1 ? CHART_WIDTH / (capacity - 1) : 0;
  // Right-aligned: the newest value is always at the right edge.
  const offset = capacity - values.length;
  return values
    .map((v, i) => `${round((offset + i) * step)},${round(CHART_HEIGHT - 1 - (Number.isFinite(v) ? v : 0) * scale)}`)
    .join(" ");
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** A labelled chart of `values` with its latest value shown as text. */
export function lineChart(id: string, label: string, values: readonly number[], capacity: number, latest: string): Html {
  return html`<figure class="livets-chart" id="${id}-chart">
    <figcaption>${label}: <strong>${latest}</strong></figcaption>
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" role="img" aria-label="${label}">
      <rect x="0" y="0" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="none" stroke="#ccc" stroke-width="1"></rect>
      <polyline fill="none" stroke="#2a6fdb" stroke-width="1.5" points="${chartPoints(values, capacity)}"></polyline>
    </svg>
  </figure>`;
}
