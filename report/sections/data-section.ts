import { escapeXml } from '../escape.js';
import { htmlTable, type HtmlCell, type PageSection } from '../html-page.js';
import type { DataSummary } from '../report-model.js';

/** Image counts per role and split, sampling problems, and the train/test leakage audit. */
export function dataSection(data: DataSummary): PageSection {
  return {
    id: 'data',
    title: 'Data and leakage audit',
    html: [
      data.description ? `<p id="data-description">${escapeXml(data.description.summary)}</p>` : '',
      countsTable(data),
      filtration(data),
      attack(data),
      problems(data),
      '<h3>Leakage audit</h3>',
      leakage(data),
    ].join('\n'),
  };
}

function countsTable(data: DataSummary): string {
  const roles = [...new Set(data.counts.map((c) => c.role))];
  const images = (role: string, split: string): number =>
    data.counts
      .filter((c) => c.role === role && c.split === split)
      .reduce((sum, c) => sum + c.images, 0);
  const rows = roles.map((role): HtmlCell[] => {
    const train = images(role, 'train');
    const test = images(role, 'test');
    return [escapeXml(role), num(train), num(test), num(train + test)];
  });
  return (
    htmlTable(['Role', 'Train', 'Test', 'Total'], rows, 'counts') +
    `<p>${data.classes} classes${
      data.classNames?.length ? `: ${data.classNames.map(escapeXml).join(', ')}` : ''
    }.</p>`
  );
}

function filtration(data: DataSummary): string {
  const f = data.filtration;
  if (f === undefined) return '';
  const share = f.views === 0 ? 0 : (100 * f.misclassified) / f.views;
  return (
    '<h3>Adversarial filtration</h3>' +
    `<p>The target model saw ${f.views} views of ${f.photos} photos and got ` +
    `${f.misclassified} (${share.toFixed(1)}%) wrong: those are the adversarial images, the views ` +
    `it got right their benign partners. ${f.classesKept} of ${f.classes} classes had enough ` +
    'of both to be kept.</p>'
  );
}

function attack(data: DataSummary): string {
  const a = data.attack;
  if (a === undefined) return '';
  const share = (n: number): string => (a.views === 0 ? 0 : (100 * n) / a.views).toFixed(1);
  const how = a.method === 'fgsm' ? 'FGSM' : `PGD (${a.steps} steps)`;
  return (
    '<h3>Attack</h3>' +
    `<p>${how} at L∞ ε = ${Math.floor(a.epsilon * 255 + 1e-6)}/255 against the target model, on ` +
    `${a.views} views of ${a.photos} photos: it named ${a.cleanCorrect} (${share(a.cleanCorrect)}%) ` +
    `right before the attack and ${a.attackedCorrect} (${share(a.attackedCorrect)}%) after. The ` +
    'attacked copies are the adversarial images, the views themselves their benign partners.</p>'
  );
}

function problems(data: DataSummary): string {
  if (data.problems.count === 0) return '<p>No unreadable or skipped images.</p>';
  const shown = data.problems.first.map((p) => `<li class="mono">${escapeXml(p)}</li>`).join('');
  const more = data.problems.count - data.problems.first.length;
  return (
    `<p>${data.problems.count} images or classes could not be used:</p><ul>${shown}</ul>` +
    (more > 0 ? `<p class="muted">…and ${more} more.</p>` : '')
  );
}

function leakage(data: DataSummary): string {
  const { protocol, exactDuplicates, nearDuplicates, examples } = data.leakage;
  const intro = `<p>Split protocol: <b>${escapeXml(protocol)}</b>. Exact duplicates by content hash, near duplicates by perceptual hash, between the train and test splits.</p>`;
  const leaks = exactDuplicates + nearDuplicates;
  const flag =
    leaks > 0
      ? `<div class="flag leak" role="alert">⚠ Train/test leak: ${exactDuplicates} exact and ${nearDuplicates} near duplicates. Test metrics overstate generalisation.</div>`
      : '<div class="flag ok">✓ No exact or near duplicates between train and test.</div>';
  const pairs =
    examples.length === 0
      ? ''
      : htmlTable(
          ['Kind', 'Train image', 'Test image', 'Hash distance'],
          examples.map((e): HtmlCell[] => [
            escapeXml(e.kind),
            { html: escapeXml(e.trainId), className: 'mono' },
            { html: escapeXml(e.testId), className: 'mono' },
            num(e.distance ?? (e.kind === 'exact' ? 0 : '—')),
          ]),
          'leak-examples',
        );
  return intro + flag + pairs;
}

function num(value: number | string): HtmlCell {
  return { html: escapeXml(String(value)), className: 'num' };
}
