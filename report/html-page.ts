import { escapeXml } from './escape.js';

/**
 * The shell shared by the experiment and sweep pages. The Content-Security-Policy forbids
 * scripts and every network fetch, so a report opened from disk or an artifact store stays
 * self-contained and inert even if some text escaped escaping; images may only be data: URIs.
 */
const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const STYLE = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #d9dde3; --bg-alt: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
header { background: #1d2430; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 8px; font-size: 22px; font-weight: 600; overflow-wrap: anywhere; }
header dl { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0; font-size: 13px; }
header dt { color: #aeb6c2; }
header dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
nav { padding: 8px 32px; border-bottom: 1px solid var(--line); font-size: 13px; }
nav a { margin-right: 16px; color: #0b5cad; text-decoration: none; }
main { max-width: 1200px; padding: 8px 32px 48px; }
section { margin-top: 28px; }
h2 { font-size: 18px; margin: 0 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 8px; }
table { border-collapse: collapse; margin: 4px 0 12px; }
th, td { border: 1px solid var(--line); padding: 5px 12px; text-align: left; vertical-align: top; }
th { background: var(--bg-alt); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.id { white-space: nowrap; }
.scroll { overflow-x: auto; max-width: 100%; }
td.mono, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.up { color: #11703b; }
.down { color: #b3261e; }
.flag { padding: 10px 14px; border-radius: 6px; font-weight: 600; margin: 8px 0 12px; }
.flag.leak { background: #fde7e5; border: 2px solid #b3261e; color: #8c1d18; }
.flag.ok { background: #e6f4ea; border: 1px solid #2e7d46; color: #11703b; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; }
.badge.cached { background: #e8eefc; color: #1f4fb0; }
.badge.computed { background: #fff1db; color: #8a5300; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart { border: 1px solid var(--line); border-radius: 4px; max-width: 100%; height: auto; }
.gradcam { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 16px; }
.gradcam figure { margin: 0; border: 1px solid var(--line); border-radius: 4px; padding: 10px; }
.gradcam figcaption { font-size: 13px; margin-bottom: 6px; overflow-wrap: anywhere; }
.pair { display: flex; gap: 10px; }
.pair div { flex: 1; text-align: center; font-size: 12px; color: var(--muted); }
.pair img { display: block; width: 100%; max-width: 224px; margin: 0 auto 4px; border-radius: 2px; }
.missing { padding: 40px 4px; border: 1px dashed var(--line); overflow-wrap: anywhere; }
pre { background: var(--bg-alt); border: 1px solid var(--line); padding: 12px; overflow: auto; font-size: 12px; max-height: 640px; }
`;

export interface PageSection {
  id: string;
  title: string;
  /** Already-escaped HTML. */
  html: string;
}

/** A complete HTML document: header with a title and `meta` facts, a table of contents, sections. */
export function htmlPage(page: {
  title: string;
  meta: readonly [string, string][];
  sections: readonly PageSection[];
}): string {
  const meta = page.meta
    .map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd>${escapeXml(v)}</dd>`)
    .join('');
  const nav = page.sections
    .map((s) => `<a href="#${escapeXml(s.id)}">${escapeXml(s.title)}</a>`)
    .join('');
  const sections = page.sections
    .map(
      (s) =>
        `<section id="${escapeXml(s.id)}">\n<h2>${escapeXml(s.title)}</h2>\n${s.html}\n</section>`,
    )
    .join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeXml(page.title)}</h1><dl>${meta}</dl></header>`,
    `<nav>${nav}</nav>`,
    `<main>\n${sections}\n</main>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A table from a header row and rows of already-escaped cell HTML; `numeric` right-aligns. */
export function htmlTable(
  headers: readonly string[],
  rows: readonly (readonly HtmlCell[])[],
  className = '',
): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr>${row
          .map((c) => {
            const cell = typeof c === 'string' ? { html: c } : c;
            const cls = cell.className ? ` class="${cell.className}"` : '';
            const span = cell.rowSpan ? ` rowspan="${cell.rowSpan}"` : '';
            return `<td${cls}${span}>${cell.html}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  const cls = className ? ` class="${className}"` : '';
  // A wide table scrolls inside its own box instead of stretching the page.
  return `<div class="scroll"><table${cls}>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

/** A cell's HTML (escaped by the caller) and, optionally, its class and row span. */
export type HtmlCell =
  string | { html: string; className?: 'num' | 'mono' | 'mono id'; rowSpan?: number };
