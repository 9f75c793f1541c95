#!/usr/bin/env node
// Stand-in for `abra` against the testkit warm host: `fake-abra <op> <domain> [version]`, where op
// is deploy, undeploy, teardown, park, verify, snapshot or volume-size. The host (WARM_HOST_URL,
// or --host=URL as first argument) decides the outcome, so a test can make one domain fail or hang.
import { request } from 'node:http';

const args = process.argv.slice(2);
let host = process.env.WARM_HOST_URL;
if (args[0]?.startsWith('--host=')) host = args.shift().slice('--host='.length);
const [op, domain, version] = args;
const ops = ['deploy', 'undeploy', 'teardown', 'park', 'verify', 'snapshot', 'volume-size'];
if (!host || !ops.includes(op) || !domain) {
  process.stderr.write(`usage: fake-abra [--host=URL] <${ops.join('|')}> <domain> [version]  (or set WARM_HOST_URL)\n`);
  process.exit(2);
}

// node:http rather than fetch: loading fetch doubles this script's start-up time, and a sweep
// test calls it several times per recipe.
const reply = await new Promise((resolve, reject) => {
  const req = request(`${host}/_warm/${op}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => (body += chunk));
    res.on('end', () =>
      res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`warm host answered ${res.statusCode}`)),
    );
  });
  req.on('error', reject);
  req.end(JSON.stringify({ domain, version: version ?? null, mode: process.env.CANON_MODE ?? null }));
}).catch((error) => {
  process.stderr.write(`fake-abra: ${error.message}\n`);
  process.exit(1);
});
process.stdout.write(reply.stdout);
process.stderr.write(reply.stderr);
if (reply.hang === 'hang-tree') {
  process.on('SIGTERM', () => process.stdout.write('fake-abra: ignoring SIGTERM\n'));
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  spawn(process.execPath, [fileURLToPath(new URL('./hang-tree.mjs', import.meta.url))], { stdio: 'inherit' });
  setInterval(() => {}, 1000);
} else if (reply.hang === 'hang') {
  setInterval(() => {}, 1000);
} else {
  process.exitCode = reply.exit;
}
