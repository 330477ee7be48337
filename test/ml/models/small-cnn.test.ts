import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../ml/backend.js';
import { buildSmallCnn, SMALL_CNN_LAST_CONV } from '../../../ml/models/small-cnn.js';

function weightsOf(model: tf.LayersModel): number[] {
  return model.getWeights().flatMap((w) => Array.from(w.dataSync()));
}

describe('buildSmallCnn', function () {
  before(async () => selectBackend('cpu', () => {}));

  it('is seeded: the same seed gives the same weights, another seed other weights', function () {
    const a = buildSmallCnn({ numClasses: 4, seed: 42 });
    const b = buildSmallCnn({ numClasses: 4, seed: 42 });
    const c = buildSmallCnn({ numClasses: 4, seed: 43 });
    assert.deepEqual(weightsOf(a), weightsOf(b));
    assert.notDeepEqual(weightsOf(a), weightsOf(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('maps 64×64×3 images through its last conv and avg_pool to N class probabilities', function () {
    const model = buildSmallCnn({ numClasses: 4, seed: 1 });
    assert.deepEqual(model.getLayer(SMALL_CNN_LAST_CONV).outputShape, [null, 16, 16, 64]);
    assert.deepEqual(model.getLayer('avg_pool').outputShape, [null, 64]);
    const sums = tf.tidy(() =>
      Array.from(
        (model.predict(tf.randomUniform([3, 64, 64, 3], -1, 1, 'float32', 2)) as tf.Tensor)
          .sum(1)
          .dataSync(),
      ),
    );
    sums.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5));
    model.dispose();
  });
});
