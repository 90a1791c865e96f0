/** One line of `npm run bench`: a figure, the reference measured in the same run, and their ratio. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  reference?: number;
  referenceName?: string;
  ratio?: number;
  target?: string;
  note?: string;
}

export interface BenchOptions {
  quick: boolean;
}

export type Bench = (opts: BenchOptions) => Promise<BenchRow[]>;
