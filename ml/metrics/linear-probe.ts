import { top1Accuracy, type AccuracyResult } from './accuracy.js';

/** Row-major `[rows, dim]` features. */
export interface FeatureMatrix {
  data: ArrayLike<number>;
  rows: number;
  dim: number;
}

export interface LinearProbe {
  dim: number;
  classes: number;
  mean: Float64Array;
  scale: Float64Array;
  /** `[dim, classes]` weights on standardised features. */
  weights: Float64Array;
  /** Class priors: the scores of a feature vector equal to the training mean. */
  bias: Float64Array;
}

/**
 * A linear probe: ridge regression of one-hot labels on standardised features, in closed form
 * (deterministic, no learning rate to tune). If a linear read-out of the features recovers a
 * label, the features carry it, whatever the model's own head does with them.
 */
export function fitLinearProbe(
  x: FeatureMatrix,
  labels: ArrayLike<number>,
  classes: number,
  ridge = 1,
): LinearProbe {
  const { rows: n, dim: d } = x;
  if (labels.length !== n) throw new Error(`linear probe: ${labels.length} labels for ${n} rows`);
  if (n === 0) throw new Error('linear probe: no training rows');
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x.data[i * d + j]! / n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) scale[j]! += (x.data[i * d + j]! - mean[j]!) ** 2 / n;
  // A constant feature carries nothing; a scale of 1 keeps it at zero instead of dividing by 0.
  for (let j = 0; j < d; j++) scale[j] = scale[j]! > 1e-12 ? Math.sqrt(scale[j]!) : 1;
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) z[i * d + j] = (x.data[i * d + j]! - mean[j]!) / scale[j]!;
  const bias = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= classes)
      throw new Error(`linear probe: label ${c} is outside [0, ${classes})`);
    bias[c]! += 1 / n;
  }
  const y = new Float64Array(n * classes);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < classes; c++) y[i * classes + c] = (labels[i] === c ? 1 : 0) - bias[c]!;
  // Solve in the smaller of the primal (d × d) and dual (n × n) forms; they give the same weights.
  let weights: Float64Array;
  if (d <= n) {
    const a = gram(z, n, d, 'columns', ridge);
    weights = solveSpd(a, d, multiplyTransposed(z, n, d, y, classes), classes);
  } else {
    const a = gram(z, n, d, 'rows', ridge);
    const alpha = solveSpd(a, n, y, classes);
    weights = multiplyTransposed(z, n, d, alpha, classes);
  }
  return { dim: d, classes, mean, scale, weights, bias };
}

/** Class scores of `x` under the probe, row-major `[rows, classes]`. */
export function probeScores(probe: LinearProbe, x: FeatureMatrix): Float64Array {
  if (x.dim !== probe.dim)
    throw new Error(`linear probe: ${x.dim}-d features for a ${probe.dim}-d probe`);
  const k = probe.classes;
  const out = new Float64Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) {
    for (let c = 0; c < k; c++) out[i * k + c] = probe.bias[c]!;
    for (let j = 0; j < x.dim; j++) {
      const v = (x.data[i * x.dim + j]! - probe.mean[j]!) / probe.scale[j]!;
      if (v === 0) continue;
      for (let c = 0; c < k; c++) out[i * k + c]! += v * probe.weights[j * k + c]!;
    }
  }
  return out;
}

export function probeAccuracy(
  probe: LinearProbe,
  x: FeatureMatrix,
  labels: ArrayLike<number>,
): AccuracyResult {
  return top1Accuracy(probeScores(probe, x), probe.classes, labels);
}

/** `zᵀz + ridge·I` (`columns`, d × d) or `z zᵀ + ridge·I` (`rows`, n × n). */
function gram(
  z: Float64Array,
  n: number,
  d: number,
  of: 'columns' | 'rows',
  ridge: number,
): Float64Array {
  const m = of === 'columns' ? d : n;
  const a = new Float64Array(m * m);
  if (of === 'columns') {
    for (let i = 0; i < n; i++)
      for (let p = 0; p < d; p++) {
        const v = z[i * d + p]!;
        if (v === 0) continue;
        for (let q = p; q < d; q++) a[p * d + q]! += v * z[i * d + q]!;
      }
  } else {
    for (let p = 0; p < n; p++)
      for (let q = p; q < n; q++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += z[p * d + j]! * z[q * d + j]!;
        a[p * n + q] = s;
      }
  }
  for (let p = 0; p < m; p++) {
    a[p * m + p]! += ridge;
    for (let q = p + 1; q < m; q++) a[q * m + p] = a[p * m + q]!;
  }
  return a;
}

/** `zᵀ b` for `z` `[n, d]` and `b` `[n, k]`: a `[d, k]` matrix. */
function multiplyTransposed(
  z: Float64Array,
  n: number,
  d: number,
  b: Float64Array,
  k: number,
): Float64Array {
  const out = new Float64Array(d * k);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const v = z[i * d + j]!;
      for (let c = 0; c < k; c++) out[j * k + c]! += v * b[i * k + c]!;
    }
  return out;
}

/** Solves `a x = b` for a symmetric positive-definite `[m, m]` `a` and `[m, k]` `b` (Cholesky). */
export function solveSpd(a: Float64Array, m: number, b: Float64Array, k: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j]!;
      for (let p = 0; p < j; p++) s -= l[i * m + p]! * l[j * m + p]!;
      if (i === j) {
        if (s <= 0) throw new Error('linear probe: the system is not positive definite');
        l[i * m + i] = Math.sqrt(s);
      } else l[i * m + j] = s / l[j * m + j]!;
    }
  }
  const x = Float64Array.from(b);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < m; i++) {
      let s = x[i * k + c]!;
      for (let p = 0; p < i; p++) s -= l[i * m + p]! * x[p * k + c]!;
      x[i * k + c] = s / l[i * m + i]!;
    }
    for (let i = m - 1; i >= 0; i--) {
      let s = x[i * k + c]!;
      for (let p = i + 1; p < m; p++) s -= l[p * m + i]! * x[p * k + c]!;
      x[i * k + c] = s / l[i * m + i]!;
    }
  }
  return x;
}
