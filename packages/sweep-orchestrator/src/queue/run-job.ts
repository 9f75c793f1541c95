import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkoutTag, readCheckoutHead } from '@canon/mirror-sync';
import { commandValues } from '../command-values.js';
import type { ResolvedConfig } from '../config/index.js';
import { expandPlaceholders, expandString } from '../config/index.js';
import { runLocalCommand } from '../executor/local-command.js';
import type { TestJob, TestJobResult } from './job.js';
import { readSuiteRevision, sweepRevisionRunner } from '../verdicts/suite-revision.js';

export type RunJobOptions = {
  /** The worker's own config: checkout directory, environment, grace and secrets come from it. */
  config: ResolvedConfig;
  host: string;
  job: TestJob;
  signal: AbortSignal;
  /** The run id the test's process group is tracked under (one per job attempt). */
  trackingId: string;
};

const LOG_TAIL_BYTES = 4096;
const GIT_TIMEOUT_MS = 60_000;

/** One checkout directory is used by one job at a time, within this worker process. */
const checkoutQueue = new Map<string, Promise<unknown>>();

/**
 * A queued test on this host, by the same rules as a local one: the tag is checked out from
 * the mirror here (HEAD == commit before and after), the worker's `test.revision` says which
 * suite runs, the command runs through `runLocalCommand` (own process group, timeout, grace,
 * passEnv, withheld and masked secrets, log) in the worker's `test.cwd`, and the full log stays here.
 * `test.checkoutDir` names a sweep-host path: the worker keeps its own `<workDir>/checkouts/<recipe>`.
 */
export async function runTestJob(opts: RunJobOptions): Promise<TestJobResult> {
  const { config, job } = opts;
  const dir = join(config.workDir, 'checkouts', job.kind === 'baseline' ? `${job.recipe}@baseline` : job.recipe);
  const previous = checkoutQueue.get(dir) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => runInCheckout(opts, dir));
  checkoutQueue.set(dir, mine);
  try {
    return await mine;
  } finally {
    if (checkoutQueue.get(dir) === mine) checkoutQueue.delete(dir);
  }
}

async function runInCheckout(opts: RunJobOptions, dir: string): Promise<TestJobResult> {
  const { config, job, host } = opts;
  const recipe = config.recipes.find((r) => r.name === job.recipe);
  const runDir = join(config.stateDir, 'worker-runs', job.runId);
  const logPath = join(runDir, job.recipe, `${job.kind}.log`);
  const error = (reason: Extract<TestJobResult, { status: 'error' }>['reason'], detail: string, log: string | null = null): TestJobResult => ({
    status: 'error', host, reason, detail, logPath: log,
  });
  if (recipe === undefined) return error('unknown-recipe', `recipe ${job.recipe} is not in this worker's config (${config.path})`);
  if (opts.signal.aborted) return { status: 'cancelled', host, durationMs: 0, logPath: null };

  // The forge token opens our mirror only: a job naming another URL is fetched anonymously.
  const auth = config.forge !== null && job.mirror === recipe.mirror ? { token: config.forge.token } : null;
  try {
    await checkoutTag({ url: job.mirror, tag: job.tag, commit: job.commit, dir, recipe: job.recipe, ...(auth === null ? {} : { auth }) });
  } catch (e) {
    return error('checkout', `checkout of ${job.tag} on ${host} failed: ${(e as Error).message}`);
  }

  // The worker's own `test.revision`, run as the sweep host runs it.
  const revisionLog = join(runDir, job.recipe, `${job.kind}.suite-revision.log`);
  const revision = await readSuiteRevision(
    recipe,
    sweepRevisionRunner(config, recipe, { runId: job.runId, trackingId: opts.trackingId, logFile: () => revisionLog, signal: opts.signal }),
  );
  if (opts.signal.aborted) return { status: 'cancelled', host, durationMs: 0, logPath: null };
  if (!revision.ok) return error('suite-revision', `${revision.detail} (on ${host})`);

  // The same command values as a local run, resolved with this worker's config and checkout.
  const values = commandValues({
    kind: 'test', recipe: job.recipe, runId: job.runId, runDir,
    release: { version: job.version, tag: job.tag, commit: job.commit, checkout: dir },
    upgradeBase: job.upgradeBase, previousVersion: job.previousVersion, domain: job.domain, env: recipe.test.env,
  });
  let run;
  try {
    run = await runLocalCommand(config, {
      argv: expandPlaceholders(job.test.command, values.placeholders),
      cwd: resolve(dirname(config.path), expandString(recipe.test.cwd, values.placeholders)),
      env: values.env,
      timeoutMs: job.test.timeoutSeconds * 1000,
      logFile: logPath,
      runId: opts.trackingId,
      signal: opts.signal,
    });
  } catch (e) {
    return error('spawn', `the test could not run on ${host}: ${(e as Error).message}`, logPath);
  }
  if (run.aborted) return { status: 'cancelled', host, durationMs: run.durationMs, logPath };

  const head = await readCheckoutHead(dir, { timeoutMs: GIT_TIMEOUT_MS });
  if (head !== job.commit) {
    return error('head-moved', `the checkout moved during the test: HEAD is ${head ?? 'unreadable'}, not ${job.commit}; the result belongs to no tag`, logPath);
  }
  const log = await digestLog(logPath);
  return {
    status: 'ran', host, exitCode: run.exitCode, signal: run.signal, durationMs: run.durationMs,
    timedOut: run.timedOut, logTail: log.tail, logSha256: log.sha256, logPath, suiteRevision: revision.output,
  };
}

/** The whole log's sha256 (read in chunks) and its last bytes. */
async function digestLog(path: string): Promise<{ sha256: string; tail: string }> {
  const hash = createHash('sha256');
  const fd = await open(path, 'r');
  try {
    let tail = Buffer.alloc(0);
    for await (const chunk of fd.createReadStream({ autoClose: false })) {
      const buf = chunk as Buffer;
      hash.update(buf);
      tail = Buffer.concat([tail, buf]).subarray(-LOG_TAIL_BYTES);
    }
    return { sha256: hash.digest('hex'), tail: tail.toString('utf8') };
  } finally {
    await fd.close();
  }
}
