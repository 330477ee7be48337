import assert from 'node:assert/strict';
import { fitLinearProbe, probeAccuracy, probeScores } from '../../../ml/metrics/linear-probe.js';
import { Rng } from '../../../ml/rng.js';

describe('linear probe (ridge read-out of features)', () => {
  it('matches the closed form computed by hand on a 1-d, two-row case', () => {
    // x = [0, 2] → z = [−1, 1]; centred one-hot y = ±0.5; W = zᵀy / (zᵀz + 1) = [−1/3, 1/3].
    const probe = fitLinearProbe({ data: [0, 2], rows: 2, dim: 1 }, [0, 1], 2, 1);
    assert.deepEqual([...probe.bias], [0.5, 0.5]);
    const scores = probeScores(probe, { data: [2], rows: 1, dim: 1 });
    assert.ok(Math.abs(scores[0]! - 1 / 6) < 1e-12 && Math.abs(scores[1]! - 5 / 6) < 1e-12);
  });

  it('gives the same scores from the primal and the dual form', () => {
    const rng = Rng.fromSeed(3);
    const rows = 12;
    const dim = 5;
    const data = Array.from({ length: rows * dim }, () => rng.normal(0, 1));
    const labels = Array.from({ length: rows }, (_, i) => i % 3);
    const primal = fitLinearProbe({ data, rows, dim }, labels, 3, 0.5);
    // The same rows seen as fewer rows than dimensions: pad each with zero columns.
    const wide = 20;
    const padded = Array.from({ length: rows * wide }, (_, k) =>
      k % wide < dim ? data[Math.floor(k / wide) * dim + (k % wide)]! : 0,
    );
    const dual = fitLinearProbe({ data: padded, rows, dim: wide }, labels, 3, 0.5);
    const a = probeScores(primal, { data, rows, dim });
    const b = probeScores(dual, { data: padded, rows, dim: wide });
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-9, `score ${i}: ${v} vs ${b[i]}`));
  });

  it('reads a label that the features carry and not one they do not', () => {
    const rng = Rng.fromSeed(7);
    const make = (rows: number) => {
      const carried: number[] = [];
      const absent: number[] = [];
      const data: number[] = [];
      for (let i = 0; i < rows; i++) {
        const c = rng.int(4);
        carried.push(c);
        absent.push(rng.int(4));
        // Class c shifts feature c; four more dimensions are noise.
        for (let j = 0; j < 8; j++) data.push(rng.normal(j === c ? 3 : 0, 1));
      }
      return { x: { data, rows, dim: 8 }, carried, absent };
    };
    const train = make(200);
    const test = make(200);
    const carried = probeAccuracy(fitLinearProbe(train.x, train.carried, 4), test.x, test.carried);
    const absent = probeAccuracy(fitLinearProbe(train.x, train.absent, 4), test.x, test.absent);
    assert.ok(carried.accuracy > 0.85, `carried label read at ${carried.accuracy}`);
    assert.ok(absent.accuracy < 0.4, `absent label read at ${absent.accuracy} (chance 0.25)`);
    assert.equal(carried.total, 200);
  });

  it('names what is wrong with bad input', () => {
    assert.throws(
      () => fitLinearProbe({ data: [1, 2], rows: 2, dim: 1 }, [0], 2),
      /1 labels for 2 rows/,
    );
    assert.throws(() => fitLinearProbe({ data: [1, 2], rows: 2, dim: 1 }, [0, 5], 2), /label 5/);
  });
});
