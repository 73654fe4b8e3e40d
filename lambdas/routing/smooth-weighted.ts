/**
 * nginx's smooth weighted round robin: each turn every target gains its weight, the one with the most is chosen
 * and pays back the total. Weights 5,1,1 give a a b a c a a: exact proportions over every cycle, spread out
 * rather than in runs.
 */
export class SmoothWeightedRoundRobin {
  readonly #weights: readonly number[];
  readonly #total: number;
  readonly #current: number[];

  constructor(weights: readonly number[]) {
    this.#weights = weights;
    this.#total = weights.reduce((sum, w) => sum + w, 0);
    this.#current = weights.map(() => 0);
  }

  /** The index chosen this turn (the first of equals, so a fresh rotation starts with the first heaviest). */
  next(): number {
    const current = this.#current;
    let best = 0;
    this.#weights.forEach((weight, i) => {
      current[i] = (current[i] ?? 0) + weight;
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i;
    });
    current[best] = (current[best] ?? 0) - this.#total;
    return best;
  }
}
