import type { Comparison, ProtocolRow } from '../pipeline/compare/comparison.js';
import { formatCount, formatPoints } from '../report/render-comparison-html.js';
import type { CommandIo } from './command.js';

const column = (text: string) => text.padStart(37);

/** The table `sfe compare` ends with: both protocols, the audit counts, and the leak's effect. */
export function printComparison(
  c: Comparison,
  where: { html: string; json: string },
  io: CommandIo,
): void {
  const row = (label: string, pick: (r: ProtocolRow) => string) =>
    `  ${label.padEnd(24)}${c.protocols.map((r) => column(pick(r))).join('')}`;
  const e = c.leakEffect;
  io.out(
    [
      `comparison ${c.compareId} completed`,
      '',
      `  ${''.padEnd(24)}${c.protocols.map((r) => column(r.protocol)).join('')}${column('paper − leak-free')}`,
      `${row('adversarial undefended', (r) => formatCount(r.adversarial.undefended))}${column(formatPoints(e.adversarialUndefended))}`,
      `${row('adversarial defended', (r) => formatCount(r.adversarial.defended))}${column(formatPoints(e.adversarialDefended))}`,
      `${row('benign undefended', (r) => formatCount(r.benign.undefended))}${column(formatPoints(e.benignUndefended))}`,
      `${row('benign defended', (r) => formatCount(r.benign.defended))}${column(formatPoints(e.benignDefended))}`,
      row('defense gain (adv.)', (r) => formatPoints(e.defenseGain[r.protocol])),
      row('test images', (r) => String(r.leakage.testImages)),
      row('  exact dup. in train', (r) => String(r.leakage.exactDuplicates)),
      row('  near dup. in train', (r) => String(r.leakage.nearDuplicates)),
      '',
      `page:  ${where.html}`,
      `json:  ${where.json}`,
      '',
    ].join('\n'),
  );
}
