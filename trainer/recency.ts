/**
 * Order weights by recency without dates: orders come in time order (contracts), so an order's age is counted in
 * orders back from the newest. The weights halve every `share` of the orders and are scaled to a mean of 1, so a
 * ridge or a shrink means as many orders' worth as without them.
 */
export function recencyWeights(count: number, share: number): Float64Array {
  const w = new Float64Array(count);
  const halfLife = Math.max(1, share * count);
  let sum = 0;
  for (let b = 0; b < count; b++) sum += w[b] = 2 ** (-(count - 1 - b) / halfLife);
  for (let b = 0; b < count; b++) w[b] *= count / sum;
  return w;
}
