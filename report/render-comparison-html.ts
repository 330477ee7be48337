import type { Comparison, CountCell, ProtocolRow } from '../pipeline/compare/comparison.js';
import { escapeXml } from './escape.js';
import { formatAccuracy } from './format.js';
import { htmlPage, htmlTable } from './html-page.js';

/** "41.9% (13/31, 95% CI 26.4–59.2%)": a rate on few images reads as such. */
export function formatCount(c: CountCell): string {
  return formatAccuracy(c.correct, c.total);
}

/** Signed accuracy points, e.g. "+12.5 pts". */
export function formatPoints(delta: number): string {
  return `${delta >= 0 ? '+' : '−'}${Math.abs(100 * delta).toFixed(1)} pts`;
}

const num = (text: string) => ({ html: escapeXml(text), className: 'num' as const });

function accuracyRows(r: ProtocolRow) {
  return [
    [
      escapeXml(r.protocol),
      num(formatCount(r.adversarial.undefended)),
      num(formatCount(r.adversarial.defended)),
      num(formatCount(r.benign.undefended)),
      num(formatCount(r.benign.defended)),
    ],
  ];
}

/** The side-by-side page of one config under both split protocols (issue 12 item 1). */
export function renderComparisonHtml(c: Comparison): string {
  const [free, paper] = c.protocols as [ProtocolRow, ProtocolRow];
  const e = c.leakEffect;
  const accuracy = htmlTable(
    [
      'protocol',
      'adversarial undefended',
      'adversarial defended',
      'benign undefended',
      'benign defended',
    ],
    c.protocols.flatMap(accuracyRows),
  );
  const leakage = htmlTable(
    ['protocol', 'test images', 'exact duplicate in training', 'near duplicate in training'],
    c.protocols.map((r) => [
      escapeXml(r.protocol),
      num(String(r.leakage.testImages)),
      num(String(r.leakage.exactDuplicates)),
      num(String(r.leakage.nearDuplicates)),
    ]),
  );
  const effect = htmlTable(
    ['figure', 'paper − leak-free'],
    [
      ['adversarial undefended', num(formatPoints(e.adversarialUndefended))],
      ['adversarial defended', num(formatPoints(e.adversarialDefended))],
      ['benign undefended', num(formatPoints(e.benignUndefended))],
      ['benign defended', num(formatPoints(e.benignDefended))],
    ],
  );
  const gains = htmlTable(
    ['protocol', 'defended − undefended (adversarial)'],
    c.protocols.map((r) => [escapeXml(r.protocol), num(formatPoints(e.defenseGain[r.protocol]))]),
  );
  const link = (r: ProtocolRow) =>
    `<a href="../../experiments/${escapeXml(r.experimentId)}/report.html">${escapeXml(r.experimentId)}</a>`;
  return htmlPage({
    title: `Split protocols side by side: ${c.compareId}`,
    meta: [
      ['created', c.createdAt],
      ['leak-free', free.experimentId],
      ['paper', paper.experimentId],
    ],
    sections: [
      {
        id: 'accuracy',
        title: 'Accuracy on the test split',
        html: `${accuracy}<p class="muted">Plain argmax over the model's classes. The experiments' own reports: ${link(free)}, ${link(paper)}.</p>`,
      },
      { id: 'leakage', title: 'Leakage audit', html: leakage },
      {
        id: 'effect',
        title: 'What the leak changes',
        html: `${effect}<h3>Defense gain per protocol</h3>${gains}<p class="muted">Under the paper protocol the test split holds augmented copies of training images, so a defense that memorises its training pairs scores on them; the leak-free figures are the ones to trust.</p>`,
      },
    ],
  });
}
