#!/usr/bin/env node
// Never finishes and ignores SIGTERM, and so does the grandchild it starts: only a SIGKILL to the
// whole process group ends both. Prints `hang-tree <role> <pid>` lines; with a file argument it
// also appends them there, so a test can check afterwards that both are gone.
import { appendFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [pidFile, role = 'child'] = process.argv.slice(2);
const line = `hang-tree ${role} ${process.pid}\n`;
process.stdout.write(line);
if (pidFile) appendFileSync(pidFile, line);
process.on('SIGTERM', () => process.stdout.write(`hang-tree ${role}: ignoring SIGTERM\n`));
if (role === 'child') {
  spawn(process.execPath, [fileURLToPath(import.meta.url), pidFile ?? '', 'grandchild'], { stdio: 'inherit' });
}
setInterval(() => {}, 1000);
