#!/usr/bin/env node
import { runCli } from './cli/main.js';

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
});
// Exit explicitly: a child's inherited handle or a lingering timer must not keep a finished
// sweep alive under systemd. Pipes and files are written synchronously on Linux.
process.exit(code);
