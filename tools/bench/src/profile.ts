// `npm run bench:profile -- --recipes 200`: one no-op sweep under `node --cpu-prof`, so
// the time a sweep spends can be read in Chrome DevTools or summarised with --top.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CANON_CLI } from './canon.js';
import { createBenchFleet, writeNoopConfig } from './fleet.js';
import { mustSucceed, timed } from './measure.js';

const { values } = parseArgs({ options: { recipes: { type: 'string', default: '200' }, out: { type: 'string', default: '.canon-profile' }, top: { type: 'string', default: '25' } } });
const n = Number(values.recipes);
const fleet = await createBenchFleet(n, { presynced: true });
try {
  const { path } = await writeNoopConfig(fleet);
  fleet.server.resetCounters();
  const s = mustSucceed(await timed([process.execPath, '--cpu-prof', `--cpu-prof-dir=${values.out}`, CANON_CLI, 'sweep', '--config', path]), 'canon sweep');
  process.stdout.write(`no-op sweep of ${n} recipes: ${s.ms.toFixed(0)} ms, ${fleet.server.requests.count} requests\n`);
  const files = (await readdir(values.out)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const newestProfile = files.at(-1);
  if (newestProfile === undefined) throw new Error('no profile written');
  printTop(JSON.parse(await readFile(join(values.out, newestProfile), 'utf8')) as CpuProfile, Number(values.top));
  process.stdout.write(`profile: ${join(values.out, newestProfile)}\n`);
} finally {
  await fleet.close();
}

type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
};

// Self time per function, and the time under each canon source file (inclusive).
function printTop(profile: CpuProfile, top: number): void {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/packages\//, '')}:${f.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + (self.get(node.id) ?? 0));
  }
  const total = [...byFn.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`self time, top ${top} of ${(total / 1000).toFixed(0)} ms sampled:\n`);
  for (const [k, us] of [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${(us / 1000).toFixed(1).padStart(9)} ms  ${k}\n`);
  }
}
