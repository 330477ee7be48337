import type { PageSection } from '../html-page.js';

const TERMS: [string, string][] = [
  ['f', 'the target model’s penultimate features of an image; the head maps them to classes'],
  [
    'PG',
    'positive generator: maps f of any image towards f of its benign partner; its output is SF',
  ],
  [
    'NG',
    'negative generator: maps f of any image towards f of its adversarial partner; its output is TF',
  ],
  ['SF', 'salient features PG(f); the defended prediction is head(SF)'],
  ['TF', 'trivial features NG(f): the cues that mislead the model on adversarial images'],
  [
    'D',
    'discriminator of the coupled GAN: tells generated features from target ones (one shared or one per generator)',
  ],
  ['AdvD', 'adversarial detector: a classifier on [SF ‖ TF] that flags adversarial images'],
];

/** The abbreviations the tables and charts use, read once before them. */
export function legendSection(): PageSection {
  const items = TERMS.map(([term, meaning]) => `<dt>${term}</dt><dd>${meaning}</dd>`).join('');
  return { id: 'legend', title: 'Terms', html: `<dl class="legend">${items}</dl>` };
}
