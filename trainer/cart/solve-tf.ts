import * as tf from '@tensorflow/tfjs';
import {invertSpd} from './solve';

/**
 * The inverse of a symmetric positive definite matrix on the active TensorFlow.js backend (WASM on a CPU host,
 * the GPU where there is one), by recursive block inversion: with A = [A11 A12; A12ᵀ A22], X = A11⁻¹,
 * T = X A12 and the Schur complement S = A22 - A12ᵀ T, A⁻¹ = [X + T S⁻¹ Tᵀ, -T S⁻¹; ·, S⁻¹]. All the O(n³)
 * work is matrix products, which the WASM backend runs about 7 times faster than the JS Cholesky of solve.ts
 * (measured: 11 G multiply-adds/s against 1.7); blocks of BASE or fewer are inverted by that Cholesky in double
 * precision. The products are float32: with EASE's ridge the matrix is well conditioned enough for ranking.
 */

const BASE = 384;

export function invertSpdTf(a: Float64Array, n: number): Float32Array {
  const input = tf.tensor2d(Float32Array.from(a), [n, n]);
  const out = invertBlock(input);
  input.dispose();
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

/** One level of the recursion, in its own tidy so that its intermediate blocks are freed as it returns. */
function invertBlock(a: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => invertLevel(a));
}

function invertLevel(a: tf.Tensor2D): tf.Tensor2D {
  const n = a.shape[0];
  if (n <= BASE) {
    const m = Float64Array.from(a.dataSync());
    invertSpd(m, n);
    return tf.tensor2d(Float32Array.from(m), [n, n]);
  }
  const h = n >> 1;
  const a11 = a.slice([0, 0], [h, h]);
  const a12 = a.slice([0, h], [h, n - h]);
  const a22 = a.slice([h, h], [n - h, n - h]);
  const x = invertBlock(a11);
  const t = tf.matMul(x, a12);
  // Explicit transposes: the WASM backend's matMul with a transposed operand measured 12 times slower.
  const s = tf.sub(a22, tf.matMul(tf.transpose(a12), t)) as tf.Tensor2D;
  const y = invertBlock(s);
  const p12 = tf.neg(tf.matMul(t, y)) as tf.Tensor2D;
  const p11 = tf.sub(x, tf.matMul(p12, tf.transpose(t))) as tf.Tensor2D;
  return tf.concat([tf.concat([p11, p12], 1), tf.concat([tf.transpose(p12), y], 1)], 0) as tf.Tensor2D;
}
