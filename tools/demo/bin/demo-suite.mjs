#!/usr/bin/env node
// The demo's stand-in for a recipe's cold CI suite: `demo-suite <plan.json> <recipe> <version>`,
// run by canon with cwd = the checkout of the tag. It checks that the checkout really is the
// tested release (VERSION file), then behaves as the plan says for recipe@version: pass,
// fail, or hang with a grandchild, both ignoring SIGTERM (only a group SIGKILL ends them).
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';

const [planFile, recipe, version] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const mode = plan.behaviour[`${recipe}@${version}`] ?? 'pass';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line) => process.stdout.write(`${line}\n`);

say(`== cold test of ${recipe} ${version} in ${process.cwd()}`);
let checkedOut = '';
try {
  checkedOut = readFileSync('VERSION', 'utf8').trim();
} catch {
  checkedOut = '(no VERSION file)';
}
if (checkedOut !== version) {
  say(`not ok - checkout holds ${checkedOut}, expected ${version}`);
  process.exit(1);
}
say(`ok 1 - checkout is ${version} (CANON_COMMIT=${process.env.CANON_COMMIT?.slice(0, 10)})`);
say(`ok 2 - upgrade base: ${process.env.CANON_UPGRADE_BASE || '(none: fresh install)'}`);
await sleep(100);

if (mode === 'hang') {
  process.on('SIGTERM', () => say('suite: ignoring SIGTERM'));
  spawn(process.execPath, [plan.hangTree, plan.hangPidFile], { stdio: 'inherit' });
  say('.. waiting for the database container to become ready');
  setInterval(() => {}, 1000);
} else {
  const checks = ['stack deploys', 'app answers on its domain', 'login page renders', 'backup and restore round-trip'];
  for (const [i, check] of checks.entries()) {
    await sleep(60);
    if (mode === 'fail' && i === 2) {
      say(`not ok ${i + 3} - ${check}: HTTP 500 from /login`);
      process.exit(1);
    }
    say(`ok ${i + 3} - ${check}`);
  }
}
