// The Prometheus text exposition format (version 0.0.4): for each family
// a HELP and a TYPE line, then its samples; a histogram's series as
// _bucket lines with an `le` label (cumulative, ending with +Inf), _sum
// and _count.

import type { HistogramSeries } from "./histogram";

/** The Content-Type a scraper expects for this format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Readonly<Record<string, string>>;

/** One metric family and its samples. */
export type Family =
  | { readonly name: string; readonly help: string; readonly type: "counter" | "gauge"; readonly samples: readonly { labels: Labels; value: number }[] }
  | { readonly name: string; readonly help: string; readonly type: "histogram"; readonly bounds: readonly number[]; readonly series: readonly HistogramSeries[] };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The families as exposition text; throws on a name the format cannot carry. */
export function prometheusText(families: readonly Family[]): string {
  let out = "";
  for (const family of families) {
    if (!NAME.test(family.name)) throw new TypeError(`bad metric name ${JSON.stringify(family.name)}`);
    out += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
    if (family.type === "histogram") {
      for (const s of family.series) {
        family.bounds.forEach((bound, i) => {
          out += `${family.name}_bucket${labelText({ ...s.labels, le: formatNumber(bound) })} ${s.buckets[i]}\n`;
        });
        out += `${family.name}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}\n`;
        out += `${family.name}_sum${labelText(s.labels)} ${formatNumber(s.sum)}\n`;
        out += `${family.name}_count${labelText(s.labels)} ${s.count}\n`;
      }
    } else {
      for (const s of family.samples) out += `${family.name}${labelText(s.labels)} ${formatNumber(s.value)}\n`;
    }
  }
  return out;
}

function labelText(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length === 0) return "";
  return `{${names.map((name) => {
    if (!LABEL.test(name)) throw new TypeError(`bad label name ${JSON.stringify(name)}`);
    return `${name}="${escapeLabel(labels[name])}"`;
  }).join(",")}}`;
}

/** Label values escape backslash, double quote and newline. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text escapes backslash and newline. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}
