#!/usr/bin/env node
// Stand-in for `abra`: `fake-abra <op> <domain> [version]`, where op is deploy, undeploy, teardown,
// park, verify, snapshot, volume-size, backup or restore (warm host only), or abra's own `abra app deploy <domain> [version]`,
// `abra app undeploy <domain>`, `abra app ps <domain>` (flags such as --no-input are ignored).
// State lives on the warm host (WARM_HOST_URL, or --host=URL as first argument), which decides the
// outcome so a test can make one domain fail or hang, or, with FAKE_SWARM_DIR, in files
// (bin/file-swarm.mjs) shared by every process of a cc-ci host stand-in.
import { request } from 'node:http';

let args = process.argv.slice(2);
let host = process.env.WARM_HOST_URL;
if (args[0]?.startsWith('--host=')) host = args.shift().slice('--host='.length);
args = args.filter((a) => !a.startsWith('-'));
if (args[0] === 'app') args = args.slice(1);
const [op, domain, version] = args;
const swarmDir = process.env.FAKE_SWARM_DIR;
const ops = ['deploy', 'undeploy', 'teardown', 'park', 'verify', 'snapshot', 'volume-size', ...(swarmDir ? ['ps'] : ['backup', 'restore'])];
if ((!host && !swarmDir) || !ops.includes(op) || !domain) {
  process.stderr.write(`usage: fake-abra [--host=URL] [app] <${ops.join('|')}> <domain> [version]  (set WARM_HOST_URL or FAKE_SWARM_DIR)\n`);
  process.exit(2);
}

const reply = swarmDir
  ? (await import('./file-swarm.mjs')).operateOnFiles(swarmDir, op, domain, version ?? null, process.env.CANON_MODE ?? null)
  : await askWarmHost();
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

// node:http rather than fetch: loading fetch doubles this script's start-up time, and a sweep
// test calls it several times per recipe.
function askWarmHost() {
  return new Promise((resolve, reject) => {
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
}
