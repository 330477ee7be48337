import { escapeXml } from '../escape.js';
import type { PageSection } from '../html-page.js';
import type { GradcamEntry, ReportImage } from '../report-model.js';

/** Grad-CAM overlays before and after the defense, one figure per test image. */
export function gradcamSection(entries: readonly GradcamEntry[]): PageSection {
  const html =
    entries.length === 0
      ? '<p class="muted">Grad-CAM was not computed.</p>'
      : `<div class="gradcam">\n${entries.map(figure).join('\n')}\n</div>`;
  const note =
    entries.length === 0
      ? ''
      : '<p class="muted">Test images chosen in turn from each outcome (fixed by the defense, ' +
        'broken by it, unchanged) and across classes and test sets.</p>';
  return { id: 'gradcam', title: 'Grad-CAM before and after the defense', html: note + html };
}

const OUTCOME_WORDS: Record<NonNullable<GradcamEntry['outcome']>, string> = {
  fixed: 'fixed by the defense',
  broken: 'broken by the defense',
  'unchanged-right': 'right either way',
  'unchanged-wrong': 'wrong either way',
};

function figure(entry: GradcamEntry): string {
  const where = [entry.split, entry.outcome && OUTCOME_WORDS[entry.outcome]].filter(Boolean);
  const caption =
    `<figcaption><b class="mono">${escapeXml(entry.imageId)}</b> · ${escapeXml(entry.label)}` +
    (where.length ? `<br><span class="muted">${escapeXml(where.join(' · '))}</span>` : '') +
    '</figcaption>';
  const side = (name: string, image: ReportImage, predicted: string | undefined): string => {
    const alt = `Grad-CAM ${name} the defense for ${entry.imageId}`;
    const img =
      'png' in image
        ? `<img alt="${escapeXml(alt)}" src="data:image/png;base64,${Buffer.from(image.png).toString('base64')}">`
        : `<div class="missing">image not embedded: <span class="mono">${escapeXml(image.key)}</span></div>`;
    const prediction = predicted === undefined ? '' : `<br>predicted: ${escapeXml(predicted)}`;
    return `<div>${img}${escapeXml(name)}${prediction}</div>`;
  };
  return (
    `<figure>${caption}<div class="pair">` +
    side('before', entry.before, entry.predictedBefore) +
    side('after', entry.after, entry.predictedAfter) +
    '</div></figure>'
  );
}
