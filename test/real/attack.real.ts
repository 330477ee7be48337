import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { summarizeAttack, type PhotoAttack } from '../../dataset/attack/attack-photos.js';
import { selectBackend } from '../../ml/backend.js';
import { DATASET_ATTACK_PART } from '../../pipeline/stages/dataset-stage.js';
import { LocalStore } from '../../store/local-store.js';
import { loadRealConfig, runRealDatasetStage } from './shared-real.js';

/**
 * configs/real-mobilenet-attack.yaml's dataset stage on the real photos: PGD against MobileNet
 * v1 0.25 itself, the perturbation attacks SFE was evaluated on.
 */
describe('PGD-attacked real photos against real MobileNet weights', function () {
  let dir: string;
  let config: ExperimentConfig;

  before(async () => {
    await selectBackend();
    dir = await mkdtemp(join(tmpdir(), 'sfe-real-attack-'));
    config = await loadRealConfig('real-mobilenet-attack', 'mobilenet_v1_0.25_224');
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('PGD at ε = 2/255 takes MobileNet from most views right to most wrong', async () => {
    const store = new LocalStore(dir);
    const { part, audit, manifest } = await runRealDatasetStage(store, config);
    const attack = (await part(DATASET_ATTACK_PART)) as PhotoAttack;

    const s = summarizeAttack(attack);
    const [clean, attacked] = [s.cleanCorrect / s.views, s.attackedCorrect / s.views];
    console.log(
      `      ${s.method} ε = ${Math.round(s.epsilon * 255)}/255, ${s.steps} step(s), ${s.photos} ` +
        `photos × ${s.views / s.photos} views: MobileNet v1 0.25 top-1 ${s.cleanCorrect}/${s.views} ` +
        `(${(100 * clean).toFixed(1)} %) clean → ${s.attackedCorrect}/${s.views} ` +
        `(${(100 * attacked).toFixed(1)} %) attacked`,
    );
    assert.equal(s.photos, 200);
    assert.equal(s.views, 400);
    // Measured: 229/400 (57.3 %) → 0/400 (0.0 %), 110 s on the native backend (2 cores).
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
