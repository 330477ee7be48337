import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './result.js';

/**
 * Every benchmark, each run in a child process of its own so that the process's peak RSS
 * (`maxRSS`, which never goes down) is that benchmark's alone. Modules are imported lazily so
 * that one that fails to load fails only its own benchmark.
 */
const BENCHES: Record<string, () => Promise<BenchResult[]>> = {
  'image-pipeline': async () => (await import('./image-pipeline.js')).benchImagePipeline(),
  'feature-extraction-wasm': async () =>
    (await import('./feature-extraction.js')).benchFeatureExtraction('wasm'),
  'feature-extraction-cpu': async () =>
    (await import('./feature-extraction.js')).benchFeatureExtraction('cpu'),
  'native-vs-keras': async () => (await import('./native-vs-keras.js')).benchNativeVsKeras(),
  'feature-extraction-tensorflow': async () =>
    (await import('./feature-extraction.js')).benchFeatureExtraction('tensorflow'),
  'gan-training-wasm': async () => (await import('./gan-training.js')).benchGanTraining(['wasm']),
  'gan-training-cpu': async () => (await import('./gan-training.js')).benchGanTraining(['cpu']),
  'sweep-scaling': async () => (await import('./sweep-scaling.js')).benchSweepScaling(),
};

const RESULT_LINE = 'BENCH_RESULTS ';
const OUTPUT = '.bench/results.json';

async function runInThisProcess(name: string): Promise<void> {
  const results = await BENCHES[name]!();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const withRss = results.map((r) => ({ peakRssMiB, ...r }));
  process.stdout.write(`${RESULT_LINE}${JSON.stringify(withRss)}\n`);
}

function runInChild(name: string): Promise<BenchResult[]> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_LINE));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_LINE.length)) as BenchResult[]);
      // One failing benchmark is reported and the others still run.
      else resolve([{ name, value: NaN, unit: '', notes: `failed (exit code ${code})` }]);
    });
  });
}

function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    Number.isFinite(r.value) ? r.value.toPrecision(4) : 'n/a',
    r.unit,
    r.backend ?? '',
    r.peakRssMiB === undefined ? '' : r.peakRssMiB.toFixed(0),
    r.notes ?? '',
  ]);
  const header = ['benchmark', 'value', 'unit', 'backend', 'peak RSS MiB', 'notes'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only !== undefined) {
    if (!(only in BENCHES))
      throw new Error(`unknown benchmark ${only}; known: ${Object.keys(BENCHES).join(', ')}`);
    await runInThisProcess(only);
    return;
  }
  const results: BenchResult[] = [];
  for (const name of Object.keys(BENCHES)) {
    console.error(`[bench] ${name} …`);
    results.push(...(await runInChild(name)));
  }
  printTable(results);
  await mkdir('.bench', { recursive: true });
  await writeFile(
    OUTPUT,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2),
  );
  console.log(`\nwritten to ${OUTPUT}`);
}

await main();
