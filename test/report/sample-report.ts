import sharp from 'sharp';
import type { ReportModelInput } from '../../report/report-model.js';

/** An experiment name that runs script if any page forgets to escape it. */
export const XSS_NAME = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

/**
 * A full report model shaped like a real experiment: 25,000 GAN iterations, 25 AdvD epochs, a
 * ROC curve, and Grad-CAM PNGs made with sharp. Curves come from a seeded generator, so every
 * test run sees the same model.
 */
export async function sampleReportModel(
  options: {
    name?: string;
    gradcamImages?: number;
    ganIterations?: number;
  } = {},
): Promise<ReportModelInput> {
  const random = lcg(7);
  const iterations = options.ganIterations ?? 25_000;
  const iteration = Array.from({ length: iterations }, (_, i) => i + 1);
  const decay = (start: number, end: number, noise: number) =>
    iteration.map((it) => end + (start - end) * Math.exp(-it / 4000) + noise * (random() - 0.5));
  const epochs = Array.from({ length: 25 }, (_, i) => i + 1);
  const gradcam = [];
  for (let i = 0; i < (options.gradcamImages ?? 4); i++) {
    gradcam.push({
      imageId: `adv-n01498041-${i}`,
      split: i % 2 === 0 ? 'adversarial test' : 'benign test',
      outcome: (['fixed', 'broken', 'unchanged-wrong', 'unchanged-right'] as const)[i % 4],
      label: 'n01498041 stingray',
      predictedBefore: 'n01496331 electric ray',
      predictedAfter: 'n01498041 stingray',
      before: { png: await heatmapPng(48, i, false) },
      after: { png: await heatmapPng(48, i, true) },
    });
  }
  return {
    experiment: {
      id: 'exp-3f9a2c',
      ...(options.name === undefined ? {} : { name: options.name }),
      configHash: '3f9a2c7d1e5b4a60',
      codeVersion: 'git:5d039ad',
      createdAt: '2026-11-25T17:00:00Z',
      backend: 'wasm',
    },
    config: {
      seed: 0,
      split: { protocol: 'paper', trainFraction: 0.8 },
      gan: { iterations, batchSize: 64 },
    },
    data: {
      description: {
        summary: 'ImageNet-A natural adversarial examples and ImageNet photos of the same classes',
        adversarial: 'ImageNet-A',
        benign: 'ImageNet',
        imagenet: true,
      },
      counts: [
        { role: 'benign', split: 'train', images: 2112 },
        { role: 'benign', split: 'test', images: 528 },
        { role: 'adversarial', split: 'train', images: 2112 },
        { role: 'adversarial', split: 'test', images: 528 },
      ],
      classes: 200,
      problems: {
        count: 3,
        first: ['n01498041/bad.jpg: not a JPEG', 'n01531178/x.jpg: truncated'],
      },
      leakage: {
        protocol: 'paper',
        exactDuplicates: 12,
        nearDuplicates: 431,
        examples: [
          { kind: 'exact', trainId: 'adv-n01498041-0-aug1', testId: 'adv-n01498041-0-aug3' },
          {
            kind: 'near',
            trainId: 'adv-n01531178-4-aug0',
            testId: 'adv-n01531178-4-aug2',
            distance: 3,
          },
        ],
      },
    },
    accuracy: {
      adversarial: {
        all1000: {
          undefended: { correct: 9, total: 528 },
          defended: { correct: 402, total: 528 },
          paired: { b: 1, c: 394 },
        },
        imagenetA200: {
          undefended: { correct: 15, total: 528 },
          defended: { correct: 415, total: 528 },
          paired: { b: 2, c: 402 },
        },
      },
      benign: {
        all1000: {
          undefended: { correct: 401, total: 528 },
          defended: { correct: 380, total: 528 },
          paired: { b: 30, c: 9 },
        },
        imagenetA200: {
          undefended: { correct: 450, total: 528 },
          defended: { correct: 441, total: 528 },
          paired: { b: 15, c: 6 },
        },
      },
      classes: { model: 1000, imagenetA: 200 },
    },
    fit: {
      adversarial: {
        undefended: { correct: 40, total: 2112 },
        defended: { correct: 2050, total: 2112 },
      },
      benign: {
        undefended: { correct: 2000, total: 2112 },
        defended: { correct: 1990, total: 2112 },
      },
    },
    detection: {
      threshold: 0.5,
      accuracy: 0.912,
      auroc: 0.957,
      fprTarget: 0.05,
      tprAtFpr: 0.803,
      roc: Array.from({ length: 101 }, (_, i) => ({
        fpr: i / 100,
        tpr: Math.min(1, Math.sqrt(i / 100) * 1.02),
      })),
    },
    imagenetO: {
      before: { auroc: 0.561, aupr: 0.172, fpr95: 0.912 },
      after: { auroc: 0.634, aupr: 0.213, fpr95: 0.874 },
    },
    training: {
      gan: {
        iteration,
        dLoss: { PG: decay(0.69, 0.62, 0.05), NG: decay(0.69, 0.66, 0.05) },
        gLoss: { PG: decay(1.2, 0.05, 0.01), NG: decay(1.1, 0.07, 0.01) },
        mse: { PG: decay(1.2, 0.01, 0.002), NG: decay(1.1, 0.02, 0.002) },
      },
      advd: {
        epoch: epochs,
        trainLoss: epochs.map((e) => 0.7 * Math.exp(-e / 8) + 0.1),
        valLoss: epochs.map((e) => 0.7 * Math.exp(-e / 9) + 0.15),
        trainAccuracy: epochs.map((e) => 0.95 - 0.45 * Math.exp(-e / 6)),
        valAccuracy: epochs.map((e) => 0.91 - 0.41 * Math.exp(-e / 6)),
      },
    },
    gradcam,
    stages: [
      { stage: 'dataset', key: 'stages/dataset/9c1e', outcome: 'cached', seconds: 0.04 },
      { stage: 'features', key: 'stages/features/51ab', outcome: 'cached', seconds: 0.12 },
      { stage: 'gan', key: 'stages/gan/77d0', outcome: 'computed', seconds: 842.5 },
      { stage: 'advd', key: 'stages/advd/a1f3', outcome: 'computed', seconds: 61.2 },
      { stage: 'evaluation', key: 'stages/evaluation/0be2', outcome: 'computed', seconds: 33.9 },
      { stage: 'report', key: 'stages/report/c4d8', outcome: 'computed', seconds: 1.5 },
    ],
  };
}

/** A small image with a warm blob whose place depends on `index` and `defended`. */
export async function heatmapPng(
  size: number,
  index: number,
  defended: boolean,
): Promise<Uint8Array> {
  const pixels = Buffer.alloc(size * size * 3);
  const cx = size * (defended ? 0.5 : 0.25 + 0.1 * (index % 3));
  const cy = size * (defended ? 0.45 : 0.7);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const heat = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (size * size * 0.03));
      const o = (y * size + x) * 3;
      pixels[o] = Math.round(40 + 215 * heat);
      pixels[o + 1] = Math.round(60 + 120 * heat * (1 - heat));
      pixels[o + 2] = Math.round(160 * (1 - heat));
    }
  }
  return new Uint8Array(
    await sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
