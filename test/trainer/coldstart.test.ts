import {describe, expect, it} from 'vitest';
import {COLD_MARGIN, coldLists, coldStartGate, textWins} from '../../trainer/coldstart';
import type {Baskets} from '../../trainer/load';
import {trainingOrders, trainingSlices} from '../../trainer/training-set';
import type {TextNeighbours} from '../../trainer/text';
import {NO_NEIGHBOUR} from '../../trainer/text';
import {seededRandom} from '../../domain/random';
import {basketsOf} from './helpers';

const FAMILIES = 30;

/**
 * A store where product old<f> sells with comp<f> from the start and new<f> (which reads like old<f>) is first
 * ordered in the last 30% of the orders, once, with comp<f> (`follows`) or with another family's companion.
 * Best sellers b0..b4 fill the other orders.
 */
function store(follows: boolean): Baskets {
  const rand = seededRandom(4);
  const early: string[][] = [];
  for (let f = 0; f < FAMILIES; f++) for (let r = 0; r < 3; r++) early.push([`old${f}`, `comp${f}`]);
  for (let i = 0; i < 300; i++) early.push([`b${Math.floor(rand() * 5)}`, `b${Math.floor(rand() * 5)}`, `comp${Math.floor(rand() * FAMILIES)}`]);
  early.sort(() => rand() - 0.5);
  const late: string[][] = [];
  for (let i = 0; i < 170; i++) late.push([`b${Math.floor(rand() * 5)}`, `b${Math.floor(rand() * 5)}`]);
  // The new products, spread over the last 30% (each validation slice gets some).
  for (let f = 0; f < FAMILIES; f++) late.splice(Math.floor(((f + 0.5) / FAMILIES) * late.length) + f, 0, [`new${f}`, `comp${follows ? f : (f + 7) % FAMILIES}`]);
  return basketsOf([...early, ...late]);
}

/** Text neighbours: new<f> reads like old<f> with similarity `sim`; nothing else has a neighbour. */
function neighbours(b: Baskets, sim: number): TextNeighbours {
  const n = b.itemIds.length;
  const out: TextNeighbours = {neighbours: new Uint32Array(n).fill(NO_NEIGHBOUR), sims: new Float32Array(n), k: 1};
  for (let f = 0; f < FAMILIES; f++) {
    const a = b.itemIds.indexOf(`new${f}`);
    out.neighbours[a] = b.itemIds.indexOf(`old${f}`);
    out.sims[a] = sim;
  }
  return out;
}

describe('cold start', () => {
  const params = {shrink: 5, selfWeight: 0, recency: 0};

  it("puts a close neighbour's companion first and leaves the best sellers' order when the neighbour is far", () => {
    const b = store(true);
    const train = {...b, count: 270, offsets: b.offsets.subarray(0, 271)} as Baskets;
    const orders = trainingOrders(train);
    const {popular} = orders;
    const a = b.itemIds.indexOf('new0');
    const list = (sim: number) => coldLists(orders, neighbours(b, sim), params, 10, [a]).get(a)!;
    const close = list(0.9);
    expect(b.itemIds[close.items[0]]).toBe('comp0');
    expect(close.similar[0]).toBe(true);
    // Far: the companion's own share decides, as for any best seller.
    const far = list(0.01);
    expect(far.items.slice(0, 5)).toEqual(Array.from(popular.subarray(0, 5)));
    expect(far.similar[0]).toBe(false);
  });

  it('publishes text lists for new products when they win the validation slices, best sellers when they do not', () => {
    const good = store(true);
    const won = coldStartGate(trainingSlices(good, 3, 0.1), neighbours(good, 0.9));
    expect(won.queries.every((q) => q > 0)).toBe(true);
    expect(won.published).toBe('text');
    expect(won.params).not.toBeNull();
    const bad = store(false);
    const lost = coldStartGate(trainingSlices(bad, 3, 0.1), neighbours(bad, 0.9));
    expect(lost.published).toBe('best sellers');
    expect(lost.params).toBeNull();
    expect(lost.reason).toMatch(/new products get the best sellers/);
  });

  it('needs the gain to hold and the mean to clear the 1% margin', () => {
    expect(COLD_MARGIN).toBe(0.01);
    expect(textWins(0.1011, 0.1, true)).toBe(true);
    expect(textWins(0.1009, 0.1, true)).toBe(false);
    expect(textWins(0.2, 0.1, false)).toBe(false);
  });
});
