#!/usr/bin/env node
// Stand-in for `abra` against the testkit warm host: `fake-abra <op> <domain> [version]`, where op
// is deploy, undeploy, teardown, park, verify, snapshot or volume-size. The host (WARM_HOST_URL,
// or --host=URL as first argument) decides the outcome, so a test can make one domain fail or hang.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let host = process.env.WARM_HOST_URL;
if (args[0]?.startsWith('--host=')) host = args.shift().slice('--host='.length);
const [op, domain, version] = args;
const ops = ['deploy', 'undeploy', 'teardown', 'park', 'verify', 'snapshot', 'volume-size'];
if (!host || !ops.includes(op) || !domain) {
  process.stderr.write(`usage: fake-abra [--host=URL] <${ops.join('|')}> <domain> [version]  (or set WARM_HOST_URL)\n`);
  process.exit(2);
}

const response = await fetch(`${host}/_warm/${op}`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ domain, version: version ?? null, mode: process.env.CANON_MODE ?? null }),
});
if (!response.ok) {
  process.stderr.write(`fake-abra: warm host answered ${response.status}\n`);
  process.exit(1);
}
const reply = await response.json();
process.stdout.write(reply.stdout);
process.stderr.write(reply.stderr);
if (reply.hang === 'hang-tree') {
  process.on('SIGTERM', () => process.stdout.write('fake-abra: ignoring SIGTERM\n'));
  spawn(process.execPath, [fileURLToPath(new URL('./hang-tree.mjs', import.meta.url))], { stdio: 'inherit' });
  setInterval(() => {}, 1000);
} else if (reply.hang === 'hang') {
  setInterval(() => {}, 1000);
} else {
  process.exitCode = reply.exit;
}
