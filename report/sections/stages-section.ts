import { escapeXml } from '../escape.js';
import { formatSeconds } from '../format.js';
import { htmlTable, type HtmlCell, type PageSection } from '../html-page.js';
import type { StageRecord } from '../report-model.js';

/** Which stages ran and which came from the cache, with their times and content keys. */
export function stagesSection(stages: readonly StageRecord[]): PageSection {
  const rows = stages.map((s): HtmlCell[] => [
    escapeXml(s.stage),
    `<span class="badge ${s.outcome}">${s.outcome}</span>`,
    { html: escapeXml(formatSeconds(s.seconds)), className: 'num' },
    { html: escapeXml(s.key), className: 'mono' },
  ]);
  const computed = stages.filter((s) => s.outcome === 'computed');
  const total = computed.reduce((sum, s) => sum + s.seconds, 0);
  const notes = stages.flatMap((s) =>
    s.recomputed === undefined
      ? []
      : [`<p>recomputed: ${escapeXml(s.stage)}: ${escapeXml(s.recomputed)}</p>`],
  );
  const summary = `${notes.join('')}<p>${computed.length} of ${stages.length} stages computed in ${escapeXml(formatSeconds(total))}; ${stages.length - computed.length} reused from the cache.</p>`;
  return {
    id: 'stages',
    title: 'Stages',
    html: htmlTable(['Stage', 'Outcome', 'Time', 'Artifact key'], rows, 'stages') + summary,
  };
}
