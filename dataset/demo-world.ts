import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import * as z from 'zod';
import type { Rng } from '../ml/rng.js';
import { DEMO_SHAPES } from './demo-shapes.js';
import { classSetWnids } from './imagenet-classes.js';
import { rngFor } from './stream-seed.js';

export const demoWorldOptionsSchema = z.strictObject({
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  /** Object classes; each is one shape with its own background cue. */
  classes: z.number().int().min(2).max(DEMO_SHAPES.length).default(4),
  imagesPerClass: z.number().int().min(1).default(40),
  imageSize: z.number().int().min(16).max(1024).default(32),
  /** Share of benign images whose background is their own class's; adversarial backgrounds
   * always belong to another class. */
  cueAgreement: z.number().min(0).max(1).default(0.9),
});
export type DemoWorldOptions = z.input<typeof demoWorldOptionsSchema>;

export interface DemoClass {
  wnid: string;
  shape: string;
}

export interface DemoWorld {
  root: string;
  /** `<root>/benign`: ImageNet layout, `<wnid>/<wnid>_<n>.JPEG`. */
  benignRoot: string;
  /** `<root>/imagenet-a`: ImageNet-A layout, `<wnid>/<n>.jpg`, plus a README class list. */
  adversarialRoot: string;
  classes: DemoClass[];
  /** Per image: its class and the class whose background it wears (the cue). */
  images: { file: string; wnid: string; role: 'benign' | 'adversarial'; cueWnid: string }[];
}

const MARKER = 'demo-world.json';
const JPEG_QUALITY = 92;
/** Amplitude of each of the three shading waves, in 8-bit levels. */
const SHADING = 40;

/**
 * Writes the demo world under `root`, deterministically from the options: the same options give
 * byte-identical files. A root already holding this world is left as is; a root holding another
 * demo world is regenerated; any other non-empty folder is refused rather than mixed into.
 *
 * Each class is a shape drawn at a random place, size, angle and colour. Its background hue is the
 * trivial cue: in benign images it matches the class (with probability `cueAgreement`), in
 * adversarial images it is always another class's, which is how ImageNet-A fools classifiers that
 * learnt the background instead of the object. The cue is in the colour only: every background
 * has the same luma and stripes in a random direction, so the grey image shows the object and
 * nothing of the cue (the demo's target model has a grey shape path that must learn the shapes).
 */
export async function generateDemoWorld(
  root: string,
  options: DemoWorldOptions,
): Promise<DemoWorld> {
  const opts = demoWorldOptionsSchema.parse(options);
  const absolute = path.resolve(root);
  const world = planWorld(absolute, opts, await classSetWnids('imagenet-a'));
  const markerText = `${JSON.stringify({ options: opts, images: world.images.length }, null, 2)}\n`;
  const existing = await readFile(path.join(absolute, MARKER), 'utf8').catch(() => undefined);
  if (existing === markerText) return world;
  if (existing === undefined && (await readdir(absolute).catch(() => [])).length > 0) {
    throw new Error(
      `refusing to write the demo world into ${absolute}: the folder is not empty and is not a demo world`,
    );
  }
  await rm(path.join(absolute, MARKER), { force: true });
  await rm(world.benignRoot, { recursive: true, force: true });
  await rm(world.adversarialRoot, { recursive: true, force: true });
  for (const c of world.classes) {
    await mkdir(path.join(world.benignRoot, c.wnid), { recursive: true });
    await mkdir(path.join(world.adversarialRoot, c.wnid), { recursive: true });
  }
  await writeFile(
    path.join(world.adversarialRoot, 'README.txt'),
    `Demo world (procedurally generated) in the ImageNet-A layout.\n\n${world.classes
      .map((c) => `${c.wnid} ${c.shape}`)
      .join('\n')}\n`,
  );
  const byWnid = new Map(world.classes.map((c, i) => [c.wnid, i]));
  const BATCH = 16;
  for (let start = 0; start < world.images.length; start += BATCH) {
    await Promise.all(
      world.images.slice(start, start + BATCH).map(async (image) => {
        const rng = rngFor(opts.seed, `demo/image/${image.file}`);
        const pixels = renderImage(
          rng,
          opts.imageSize,
          byWnid.get(image.wnid)!,
          byWnid.get(image.cueWnid)!,
          opts.classes,
        );
        const jpeg = await sharp(pixels, {
          raw: { width: opts.imageSize, height: opts.imageSize, channels: 3 },
        })
          .jpeg({ quality: JPEG_QUALITY })
          .toBuffer();
        await writeFile(path.join(absolute, image.file), jpeg);
      }),
    );
  }
  await writeFile(path.join(absolute, MARKER), markerText);
  return world;
}

function planWorld(
  root: string,
  opts: z.output<typeof demoWorldOptionsSchema>,
  wnids: readonly string[],
): DemoWorld {
  const classes = Array.from({ length: opts.classes }, (_, i) => ({
    wnid: wnids[i]!,
    shape: DEMO_SHAPES[i]!.name,
  }));
  const rng = rngFor(opts.seed, 'demo/cues');
  const otherThan = (c: number): number => (c + 1 + rng.int(opts.classes - 1)) % opts.classes;
  const images: DemoWorld['images'] = [];
  classes.forEach((c, ci) => {
    for (let n = 0; n < opts.imagesPerClass; n++) {
      const cue = rng.uniform() < opts.cueAgreement ? ci : otherThan(ci);
      images.push({
        file: `benign/${c.wnid}/${c.wnid}_${n}.JPEG`,
        wnid: c.wnid,
        role: 'benign',
        cueWnid: classes[cue]!.wnid,
      });
    }
    for (let n = 0; n < opts.imagesPerClass; n++) {
      images.push({
        file: `imagenet-a/${c.wnid}/${n}.jpg`,
        wnid: c.wnid,
        role: 'adversarial',
        cueWnid: classes[otherThan(ci)]!.wnid,
      });
    }
  });
  return {
    root,
    benignRoot: path.join(root, 'benign'),
    adversarialRoot: path.join(root, 'imagenet-a'),
    classes,
    images,
  };
}

/** The background hue (degrees, on the chromaticity plane of `chromaAt`) that is class `c`'s cue. */
export function demoCue(c: number, classes: number): { hue: number } {
  return { hue: (360 * c) / classes };
}

/** Luma (BT.601, 8-bit levels) of the light and dark background stripes, whatever the hue. */
const STRIPE_LUMA = { light: 150, dark: 100 } as const;
/** Chroma of the background: every channel stays within 0.9·CHROMA of the luma (see `chromaAt`). */
const BACKGROUND_CHROMA = 60;

/**
 * The RGB colour of BT.601 luma `luma` whose chromaticity, `(r − (g + b)/2, √3/2·(g − b))`, has
 * angle `hue` (degrees) and length `chroma`: colours of one luma differ only in what a grey image
 * cannot see.
 */
export function chromaAt(hue: number, luma: number, chroma: number): [number, number, number] {
  const a = chroma * Math.cos((hue * Math.PI) / 180);
  const k = (2 / Math.sqrt(3)) * chroma * Math.sin((hue * Math.PI) / 180);
  // Solves r − (g+b)/2 = a, g − b = k, 0.299r + 0.587g + 0.114b = 0 for the offset from grey.
  const b = -(0.299 * a + 0.7365 * k);
  return [luma + a + b + k / 2, luma + b + k, luma + b];
}

function renderImage(rng: Rng, size: number, shape: number, cue: number, classes: number): Buffer {
  const bgHue = demoCue(cue, classes).hue + rng.uniformIn(-8, 8);
  const light = chromaAt(bgHue, STRIPE_LUMA.light, BACKGROUND_CHROMA);
  const dark = chromaAt(bgHue, STRIPE_LUMA.dark, BACKGROUND_CHROMA);
  const period = size / rng.uniformIn(3, 5);
  const phase = rng.uniformIn(0, 2 * Math.PI);
  // Stripes in a random direction: texture for the shape path to see past, not a cue.
  const angle = rng.uniformIn(0, Math.PI);
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const radius = size * rng.uniformIn(0.2, 0.32);
  const cx = rng.uniformIn(radius, size - radius);
  const cy = rng.uniformIn(radius, size - radius);
  const rot = rng.uniformIn(0, 2 * Math.PI);
  const [cr, sr] = [Math.cos(rot), Math.sin(rot)];
  const fill = hsv(rng.uniformIn(0, 360), rng.uniformIn(0.3, 1), rng.uniformIn(0.3, 1));
  const inside = DEMO_SHAPES[shape]!.inside;
  // A dark outline about 1.5 px wide keeps the object visible on any background colour.
  const inner = Math.max(0.5, radius - Math.max(1, size / 40)) / radius;
  // Random low-frequency shading, grey so the hue cue stays: without it two images with the
  // same cue differ only in stripe phase and object, too little for a perceptual hash to tell
  // them apart, and the leakage audit would see duplicates where there are none.
  const waves = Array.from({ length: 3 }, () => {
    const direction = rng.uniformIn(0, 2 * Math.PI);
    const cycles = rng.uniformIn(0.5, 1.5) / size;
    return {
      fx: Math.cos(direction) * cycles,
      fy: Math.sin(direction) * cycles,
      phase: rng.uniformIn(0, 2 * Math.PI),
    };
  });
  const out = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = x + 0.5 - cx;
      const py = y + 0.5 - cy;
      const u = (cr * px + sr * py) / radius;
      const v = (-sr * px + cr * py) / radius;
      let colour: readonly number[];
      if (inside(u, v)) colour = inside(u / inner, v / inner) ? fill : [20, 20, 20];
      else {
        const t = 0.5 + 0.5 * Math.sin((2 * Math.PI * (x * dx + y * dy)) / period + phase);
        colour = [0, 1, 2].map((k) => light[k]! * t + dark[k]! * (1 - t));
      }
      let shade = 0;
      for (const w of waves)
        shade += SHADING * Math.cos(2 * Math.PI * (w.fx * x + w.fy * y) + w.phase);
      const at = (y * size + x) * 3;
      for (let k = 0; k < 3; k++) {
        const value = colour[k]! + shade + rng.normal(0, 6);
        out[at + k] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
  return out;
}

function hsv(hue: number, s: number, v: number): [number, number, number] {
  const h = (((hue % 360) + 360) % 360) / 60;
  const c = v * s;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const m = v - c;
  const [r, g, b] =
    h < 1
      ? [c, x, 0]
      : h < 2
        ? [x, c, 0]
        : h < 3
          ? [0, c, x]
          : h < 4
            ? [0, x, c]
            : h < 5
              ? [x, 0, c]
              : [c, 0, x];
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}
