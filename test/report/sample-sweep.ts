import type { SweepReportModelInput } from '../../report/sweep-model.js';

/** Six trials over a log-uniform and an integer parameter plus a categorical one. */
export function sampleSweepModel(): SweepReportModelInput {
  const lrs = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3];
  return {
    sweep: { id: 'sweep-lr', strategy: 'tpe', createdAt: '2026-11-25T17:00:00Z' },
    objective: {
      metric: 'accuracy.adversarial.imagenetA200.defended.accuracy',
      direction: 'maximize',
    },
    parameters: [
      { path: 'gan.optimizer.learningRate', scale: 'log' },
      { path: 'gan.batchSize' },
      { path: 'gan.discriminator' },
    ],
    trials: lrs.map((lr, i) => ({
      trialId: `trial-${i}`,
      params: {
        'gan.optimizer.learningRate': lr,
        'gan.batchSize': 32 * (1 + (i % 2)),
        'gan.discriminator': i % 3 ? 'shared' : 'separate',
      },
      objective: i === 5 ? null : 0.5 + 0.05 * i - (i === 3 ? 0.3 : 0),
      status: i === 5 ? 'failed' : i === 3 ? 'stopped-early' : 'completed',
      ...(i === 3 ? { stoppedEarlyAt: 2500 } : {}),
      ...(i === 5 ? {} : { reportHref: `../trial-${i}/report.html` }),
    })),
  };
}
