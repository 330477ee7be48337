/** One measured figure of a benchmark, as printed in the table and written to `.bench/results.json`. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  backend?: string;
  peakRssMiB?: number;
  notes?: string;
}
