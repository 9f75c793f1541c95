// `npm run bench`: canon against baselines measured in the same run on the same fleet.
// Never part of `npm test`. Writes docs/performance.md.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runAgainst } from './against.js';
import { renderPerformanceDoc, withSection, type BenchResults } from './report.js';
import { measureKnownFailures, renderP6Section } from './p6.js';
import { measureQueueScaling, renderP7Section } from './p7.js';
import { benchListen } from './p8.js';
import { measureNoopSweep, measureOverhead, measurePlanMemory, measureStartup, type NoopResult } from './scenarios.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '50,100,200,400' },
    'overhead-recipes': { type: 'string', default: '50' },
    'memory-recipes': { type: 'string', default: '1000' },
    out: { type: 'string', default: join(import.meta.dirname, '..', '..', '..', 'docs', 'performance.md') },
    'no-write': { type: 'boolean', default: false },
    only: { type: 'string' },
    against: { type: 'string' },
    pairs: { type: 'string', default: '7' },
  },
});
if (values.only !== undefined && !['P6', 'P7', 'P8'].includes(values.only)) throw new Error(`--only takes P6, P7 or P8 (the other scenarios run together), got ${JSON.stringify(values.only)}`);

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

const runs = positive('runs', values.runs);
const sizes = values.sizes.split(',').map((s) => positive('sizes', s));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** A scenario run alone: its section to stdout and, unless --no-write, into its place in the doc; then exit. */
async function writeSection(name: string, section: string, heading: string): Promise<never> {
  process.stdout.write(section);
  if (!values['no-write']) {
    await writeFile(values.out, withSection(await readFile(values.out, 'utf8'), heading, section));
    log(`wrote the ${name} section of ${values.out}`);
  }
  process.exit(0);
}

if (values.against !== undefined) {
  const table = await runAgainst({
    against: values.against, pairs: positive('pairs', values.pairs), sweepRecipes: 200, memoryRecipes: positive('memory-recipes', values['memory-recipes']), log,
  });
  process.stdout.write(table);
  process.exit(0);
}

if (values.only === 'P6') {
  const p6 = await measureKnownFailures(runs);
  log(`P6 known failures: second sweep test-seconds ${p6.secondTestSeconds.toFixed(1)}, ${p6.second.median.toFixed(0)} ms vs all-canonical ${p6.allCanonical.median.toFixed(0)} ms → ${p6.ratio.median.toFixed(3)}×`);
  await writeSection('P6', renderP6Section(p6, runs, new Date().toISOString()), '## P6:');
}

if (values.only === 'P7') {
  const p7 = await measureQueueScaling();
  log(`P7 queue: local ${(p7.localMs / 1000).toFixed(1)} s, ${String(p7.workers)} workers ${(p7.queueMs / 1000).toFixed(1)} s, efficiency ${p7.efficiency.toFixed(3)}, added cost per queued test ${p7.queueCost.median.toFixed(0)} ms (median)`);
  await writeSection('P7', renderP7Section(p7, new Date().toISOString()), '## P7:');
}

if (values.only === 'P8') {
  await writeSection('P8', await benchListen(log), '## P8:');
}

const startup = await measureStartup(Math.max(runs, 20));
log(`P3 start-up: canon --version ${startup.canon.median.toFixed(1)} ms vs node -e 0 ${startup.node.median.toFixed(1)} ms → ${startup.ratio.median.toFixed(2)}×`);

const growth: NoopResult[] = [];
for (const n of sizes) {
  const r = await measureNoopSweep(n, runs);
  growth.push(r);
  log(`P1/P5 no-op sweep n=${n}: canon ${r.canon.median.toFixed(0)} ms vs naive ${r.naive.median.toFixed(0)} ms → ${r.ratio.median.toFixed(3)}×, ${r.requestsPerRecipe.toFixed(2)} requests/recipe`);
}

const overhead = await measureOverhead(positive('overhead-recipes', values['overhead-recipes']), runs);
log(`P2 overhead: ${overhead.perRecipe.median.toFixed(0)} ms per recipe (median)`);

const memory = await measurePlanMemory(positive('memory-recipes', values['memory-recipes']), Math.min(runs, 3));
log(`P4 plan over ${memory.recipes} recipes: peak RSS ${memory.peakRssMb.median.toFixed(0)} MB`);

const p6 = await measureKnownFailures(runs);
log(`P6 known failures: second sweep ${p6.ratio.median.toFixed(3)}× an all-canonical sweep, test-seconds ${p6.secondTestSeconds.toFixed(1)}`);

const p7 = await measureQueueScaling();
log(`P7 queue: efficiency ${p7.efficiency.toFixed(3)}, added cost per queued test ${p7.queueCost.median.toFixed(0)} ms (median)`);

const p8 = await benchListen(log);

const results: BenchResults = { startup, growth, overhead, memory, runs, date: new Date().toISOString(), node: process.version };
const sections: [heading: string, section: string][] = [
  ['## P6:', renderP6Section(p6, runs, results.date)],
  ['## P7:', renderP7Section(p7, results.date)],
  ['## P8:', p8],
];
const doc = sections.reduce((text, [heading, section]) => withSection(text, heading, section), renderPerformanceDoc(results));
process.stdout.write(doc);
if (!values['no-write']) {
  await writeFile(values.out, doc);
  log(`wrote ${values.out}`);
}
