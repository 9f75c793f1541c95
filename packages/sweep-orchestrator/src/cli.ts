#!/usr/bin/env node
import { runCli } from './cli/main.js';

/** Resolves once everything written to `stream` so far has reached the OS, or the reader is gone. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
}

// A reader that went away (`canon plan --json | head`) is not canon's failure: without a
// handler, EPIPE would surface as an uncaught 'error' event with a stack trace.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
});
// A pipe to a slower reader is written asynchronously: exiting at once would cut the output
// at the pipe's 64 KiB buffer (`canon plan --json | jq` on a large fleet), so wait for both
// streams to drain. Then exit explicitly: a child's inherited handle or a lingering timer
// must not keep a finished sweep alive under systemd.
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
