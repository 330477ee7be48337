import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { chromaAt, demoCue, generateDemoWorld, type DemoWorld } from '../../dataset/demo-world.js';
import { useTempDir, writeTree } from './fixtures.js';

const SMALL = { classes: 4, imagesPerClass: 6, imageSize: 32 } as const;

async function filesUnder(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(root, full), await readFile(full));
  }
  return out;
}

/** Mean hue (degrees) of the outermost pixel ring, where the background is. */
async function borderHue(file: string): Promise<number> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  let x = 0;
  let y = 0;
  for (let py = 0; py < info.height; py++) {
    for (let px = 0; px < info.width; px++) {
      if (py > 0 && px > 0 && py < info.height - 1 && px < info.width - 1) continue;
      const at = (py * info.width + px) * info.channels;
      const [r, g, b] = [data[at]!, data[at + 1]!, data[at + 2]!];
      // Hue as an angle on the chromaticity plane; averaging vectors avoids the 0°/360° seam.
      const hx = r - (g + b) / 2;
      const hy = (Math.sqrt(3) / 2) * (g - b);
      const norm = Math.hypot(hx, hy) || 1;
      x += hx / norm;
      y += hy / norm;
    }
  }
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

/** Mean BT.601 luma of the outermost pixel ring: what the grey shape path sees of the background. */
async function borderLuma(file: string): Promise<number> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  let sum = 0;
  let count = 0;
  for (let py = 0; py < info.height; py++) {
    for (let px = 0; px < info.width; px++) {
      if (py > 0 && px > 0 && py < info.height - 1 && px < info.width - 1) continue;
      const at = (py * info.width + px) * info.channels;
      sum += 0.299 * data[at]! + 0.587 * data[at + 1]! + 0.114 * data[at + 2]!;
      count++;
    }
  }
  return sum / count;
}

/** The class whose background hue is nearest: what a model that learnt only the cue predicts. */
function cueClassifier(hue: number, classes: number): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < classes; c++) {
    const d = Math.abs(((hue - demoCue(c, classes).hue + 540) % 360) - 180);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

describe('demo world', () => {
  const dir = useTempDir();

  it('writes the ImageNet and ImageNet-A layouts with real ImageNet-A wnids', async () => {
    const world = await generateDemoWorld(path.join(dir(), 'w'), { seed: 1, ...SMALL });
    const files = await filesUnder(world.root);
    const wnid = world.classes[2]!.wnid;
    assert.ok(files.has(`benign/${wnid}/${wnid}_5.JPEG`));
    assert.ok(files.has(`imagenet-a/${wnid}/5.jpg`));
    assert.match(
      files.get('imagenet-a/README.txt')!.toString(),
      new RegExp(`^${wnid} triangle$`, 'm'),
    );
    assert.equal([...files.keys()].filter((f) => /\.(JPEG|jpg)$/.test(f)).length, 4 * 6 * 2);
    const meta = await sharp(files.get(`imagenet-a/${wnid}/0.jpg`)!).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 32, 32]);
  });

  it('is deterministic: the same seed gives byte-identical files, another seed other images', async () => {
    const a = await filesUnder(
      (await generateDemoWorld(path.join(dir(), 'a'), { seed: 7, ...SMALL })).root,
    );
    const b = await filesUnder(
      (await generateDemoWorld(path.join(dir(), 'b'), { seed: 7, ...SMALL })).root,
    );
    const c = await filesUnder(
      (await generateDemoWorld(path.join(dir(), 'c'), { seed: 8, ...SMALL })).root,
    );
    assert.deepEqual(b, a);
    assert.deepEqual([...c.keys()].sort(), [...a.keys()].sort());
    const images = [...a.keys()].filter((f) => f.endsWith('jpg') || f.endsWith('JPEG'));
    assert.ok(
      images.every((f) => !a.get(f)!.equals(c.get(f)!)),
      'every image differs across seeds',
    );
  });

  it('leaves an existing world alone, regenerates on new options and refuses foreign folders', async () => {
    const root = path.join(dir(), 'w');
    const world = await generateDemoWorld(root, { seed: 1, ...SMALL });
    const first = path.join(world.adversarialRoot, world.classes[0]!.wnid, '0.jpg');
    const before = (await stat(first)).mtimeMs;
    await generateDemoWorld(root, { seed: 1, ...SMALL });
    assert.equal((await stat(first)).mtimeMs, before, 'same options: nothing rewritten');
    await generateDemoWorld(root, { seed: 1, ...SMALL, imagesPerClass: 3 });
    const wnid = world.classes[0]!.wnid;
    assert.equal((await readdir(path.join(world.adversarialRoot, wnid))).length, 3);

    await writeTree(path.join(dir(), 'foreign'), { 'thesis.tex': 'precious' });
    await assert.rejects(
      generateDemoWorld(path.join(dir(), 'foreign'), { seed: 1, ...SMALL }),
      /not empty/,
    );
  });

  it('ties the background cue to the class in benign images and misleads in adversarial ones', async () => {
    const classes = 5;
    const world: DemoWorld = await generateDemoWorld(path.join(dir(), 'w'), {
      seed: 3,
      classes,
      imagesPerClass: 10,
      imageSize: 32,
      cueAgreement: 0.9,
    });
    const classOf = new Map(world.classes.map((c, i) => [c.wnid, i]));
    const hits = { benign: 0, adversarial: 0 };
    const cueReadable = { benign: 0, adversarial: 0 };
    for (const image of world.images) {
      const predicted = cueClassifier(await borderHue(path.join(world.root, image.file)), classes);
      if (predicted === classOf.get(image.wnid)) hits[image.role]++;
      if (predicted === classOf.get(image.cueWnid)) cueReadable[image.role]++;
    }
    const perRole = classes * 10;
    // The pixels carry the cue the plan says (the background really is that class's)…
    assert.equal(cueReadable.benign, perRole);
    assert.equal(cueReadable.adversarial, perRole);
    // …so a background-only model is right on most benign images and never on adversarial ones.
    assert.ok(
      hits.benign >= 0.75 * perRole,
      `background-only accuracy on benign: ${hits.benign}/${perRole}`,
    );
    assert.equal(hits.adversarial, 0);
  });

  it('chromaAt gives the asked luma, hue and chroma', () => {
    for (const hue of [0, 45, 120, 200, 300]) {
      const [r, g, b] = chromaAt(hue, 120, 60);
      assert.ok(Math.abs(0.299 * r + 0.587 * g + 0.114 * b - 120) < 1e-9, `luma at ${hue}°`);
      const [hx, hy] = [r - (g + b) / 2, (Math.sqrt(3) / 2) * (g - b)];
      assert.ok(Math.abs(Math.hypot(hx, hy) - 60) < 1e-9, `chroma at ${hue}°`);
      const angle = ((Math.atan2(hy, hx) * 180) / Math.PI + 360) % 360;
      assert.ok(Math.abs(angle - hue) < 1e-9, `hue at ${hue}°: ${angle}`);
    }
  });

  it('keeps the cue out of the grey image: background luma does not depend on the cue', async () => {
    const classes = 6;
    const world = await generateDemoWorld(path.join(dir(), 'w'), {
      seed: 5,
      classes,
      imagesPerClass: 20,
      imageSize: 32,
    });
    const byCue = new Map<string, number[]>();
    for (const image of world.images) {
      const luma = await borderLuma(path.join(world.root, image.file));
      byCue.set(image.cueWnid, [...(byCue.get(image.cueWnid) ?? []), luma]);
    }
    const means = [...byCue.values()].map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
    // Shading and noise move a border's luma by tens of levels, so the per-cue means scatter a
    // little (measured: they span 7.9 levels); backgrounds of one saturation and value but
    // different hues would differ by up to 92 levels (blue against yellow).
    const spread = Math.max(...means) - Math.min(...means);
    assert.ok(
      spread < 20,
      `per-cue mean border luma: ${means.map((m) => m.toFixed(1)).join(', ')}`,
    );
  });
});
