import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../config-schema/load-config.js';
import { summarizeAttack, type PhotoAttack } from '../../dataset/attack/attack-photos.js';
import type { LeakageAudit } from '../../dataset/leakage-audit.js';
import { selectBackend } from '../../ml/backend.js';
import { committedManifest, readJsonPart } from '../../pipeline/artifact-json.js';
import { CODE_VERSION } from '../../pipeline/code-version.js';
import {
  DATASET_ATTACK_PART,
  DATASET_AUDIT_PART,
  readDatasetManifest,
  runDatasetStage,
} from '../../pipeline/stages/dataset-stage.js';
import type { StageContext } from '../../pipeline/stage-context.js';
import { LocalStore } from '../../store/local-store.js';
import { ROOT } from '../cli/run-sfe.js';
import { sharedRealDir } from './shared-real.js';

/**
 * configs/real-mobilenet-attack.yaml's dataset stage on the real photos: FGSM against MobileNet
 * v1 0.25 itself, the perturbation attacks SFE was evaluated on.
 */
describe('FGSM-attacked real photos against real MobileNet weights', function () {
  let dir: string;
  let config: ReturnType<typeof parseConfig>;

  before(async () => {
    const real = sharedRealDir();
    await selectBackend();
    dir = await mkdtemp(join(tmpdir(), 'sfe-real-attack-'));
    const file = await loadConfig(join(ROOT, 'configs', 'real-mobilenet-attack.yaml'));
    config = parseConfig(
      {
        ...file,
        data: { ...file.data, benignRoot: join(real, 'images', 'imagenet-a-classes') },
        targetModel: {
          ...file.targetModel,
          uri: join(real, 'models', 'mobilenet_v1_0.25_224', 'model.json'),
        },
      },
      'real-mobilenet-attack.yaml',
    );
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ε = 4/255 FGSM takes MobileNet from most views right to most wrong', async () => {
    const store = new LocalStore(dir);
    const ctx: StageContext = {
      store,
      codeVersion: CODE_VERSION,
      progress: () => undefined,
      signal: new AbortController().signal,
      log: () => undefined,
    };
    const ref = await runDatasetStage(ctx, config, false);
    const artifact = await committedManifest(store, ref.key);
    const attack = (await readJsonPart(store, artifact, DATASET_ATTACK_PART)) as PhotoAttack;
    const audit = (await readJsonPart(store, artifact, DATASET_AUDIT_PART)) as LeakageAudit;
    const manifest = await readDatasetManifest(store, ref);

    const s = summarizeAttack(attack);
    const [clean, attacked] = [s.cleanCorrect / s.views, s.attackedCorrect / s.views];
    console.log(
      `      ${s.method} ε = ${Math.round(s.epsilon * 255)}/255, ${s.steps} step(s), ${s.photos} ` +
        `photos × ${s.views / s.photos} views: MobileNet v1 0.25 top-1 ${s.cleanCorrect}/${s.views} ` +
        `(${(100 * clean).toFixed(1)} %) clean → ${s.attackedCorrect}/${s.views} ` +
        `(${(100 * attacked).toFixed(1)} %) attacked`,
    );
    assert.equal(s.photos, 16);
    assert.equal(s.views, 32);
    // Measured: 22/32 (68.8 %) → 0/32 (0.0 %) on the native backend.
    assert.ok(clean >= 0.45, `clean top-1 ${clean}`);
    assert.ok(attacked <= clean - 0.4, `FGSM: ${clean} → ${attacked}`);

    assert.equal(audit.sharedOriginal.testImages, 0, 'no photo on both sides of the split');
    assert.ok(
      manifest.entries.some(
        (e) => e.role === 'adversarial' && e.augmentation?.op.kind === 'attack',
      ),
    );
  });
});
