// The stand-in for a recipe's CI suite that the scenarios configure as `test.command`.
// It records every call (with its CANON_* environment) and then behaves as the scenario
// asked for this recipe and version: pass, fail, flaky (fail the first call for this
// recipe and version, pass the later ones), sleep, or hang ignoring SIGTERM with a
// grandchild that ignores it too.
export const SUITE_SCRIPT = String.raw`
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
const dir = process.argv[2];
const e = process.env;
appendFileSync(dir + '/calls.jsonl', JSON.stringify({
  recipe: e.CANON_RECIPE, version: e.CANON_VERSION, tag: e.CANON_TAG, commit: e.CANON_COMMIT,
  checkout: e.CANON_CHECKOUT, upgradeBase: e.CANON_UPGRADE_BASE, runId: e.CANON_RUN_ID,
  skipFetch: e.CANON_SKIP_FETCH, cwd: process.cwd(), argv: process.argv.slice(3), pid: process.pid, at: new Date().toISOString(),
}) + '\n');
let plan = {};
try { plan = JSON.parse(readFileSync(dir + '/behaviour.json', 'utf8')); } catch {}
const b = plan[e.CANON_RECIPE + '@' + e.CANON_VERSION] ?? plan[e.CANON_RECIPE] ?? 'pass';
if (b === 'pass') process.exit(0);
if (b === 'fail') process.exit(1);
if (b === 'flaky') {
  const same = readFileSync(dir + '/calls.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((c) => c.recipe === e.CANON_RECIPE && c.version === e.CANON_VERSION);
  process.exit(same.length === 1 ? 1 : 0);
}
if (b.startsWith('sleep:')) setTimeout(() => process.exit(0), Number(b.slice(6)) * 1000);
else {
  process.on('SIGTERM', () => {});
  if (b === 'hang-grandchild') {
    const c = spawn(process.execPath, ['-e', 'process.on("SIGTERM",()=>{});setInterval(()=>{},1000)'], { stdio: 'ignore' });
    writeFileSync(dir + '/grandchild-' + e.CANON_RECIPE + '.pid', String(c.pid));
  }
  writeFileSync(dir + '/hanging-' + e.CANON_RECIPE + '.pid', String(process.pid));
  setInterval(() => {}, 1000);
}
`;

/** busyCheck stand-in: exit 1 (busy) for the recipes listed in busy.json. */
export const BUSY_SCRIPT = String.raw`
import { readFileSync } from 'node:fs';
let busy = [];
try { busy = JSON.parse(readFileSync(process.argv[2] + '/busy.json', 'utf8')); } catch {}
process.exit(busy.includes(process.argv[3]) ? 1 : 0);
`;
