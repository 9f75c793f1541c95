import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** `ccci/read_registry.py`: parses a ci-warm registry the way cc-ci's Python does. */
export const CCCI_REGISTRY_READER_PATH = fileURLToPath(
  new URL('../../ccci/read_registry.py', import.meta.url),
);

/** A record to lay down as cc-ci wrote it (no canon fields). */
export type CiWarmSeed = {
  recipe: string;
  version: string;
  /** The recorded commit; old records sometimes hold a merge commit instead of the tag's. */
  commit: string;
  /** Left out of the record when null (older records have none); default `warm-<recipe>.<suffix>`. */
  domain?: string | null;
  /** `%Y%m%dT%H%M%SZ`; default 20260617T050314Z. */
  ts?: string;
  status?: string;
  /** `last_good`'s text; default the version and a newline; null: no file. */
  lastGood?: string | null;
  /** Write `snapshot/` (meta.json and one volume tar); default true. */
  snapshot?: boolean;
};

/** What `read_registry.py` printed: per recipe, what cc-ci would use. */
export type CiWarmRegistryView = Record<
  string,
  {
    version: string;
    commit: string;
    status: string;
    ts: string;
    domain: string | null;
    last_good: string | null;
    snapshot: { version: string; ts: string; volumes: string[] } | null;
  }
>;

/** Lays records down in a /var/lib/ci-warm-shaped directory, formatted as Python's json.dumps does. */
export async function seedCiWarmRegistry(
  warmRoot: string,
  seeds: readonly CiWarmSeed[],
  domainSuffix = 'ci.commoninternet.net',
): Promise<void> {
  for (const seed of seeds) {
    const dir = join(warmRoot, seed.recipe);
    mkdirSync(dir, { recursive: true });
    const domain = seed.domain === undefined ? `warm-${seed.recipe}.${domainSuffix}` : seed.domain;
    const record = {
      recipe: seed.recipe,
      ...(domain === null ? {} : { domain }),
      version: seed.version,
      commit: seed.commit,
      status: seed.status ?? 'idle',
      ts: seed.ts ?? '20260617T050314Z',
    };
    writeFileSync(join(dir, 'canonical.json'), pythonJson(record) + '\n');
    const lastGood = seed.lastGood === undefined ? `${seed.version}\n` : seed.lastGood;
    if (lastGood !== null) writeFileSync(join(dir, 'last_good'), lastGood);
    if (seed.snapshot !== false)
      await writeSnapshot(dir, seed.version, record.ts, domain ?? seed.recipe);
  }
}

async function writeSnapshot(
  recipeDir: string,
  version: string,
  ts: string,
  domain: string,
): Promise<void> {
  const volumes = join(recipeDir, 'snapshot', 'volumes');
  mkdirSync(volumes, { recursive: true });
  writeFileSync(join(recipeDir, 'snapshot', 'meta.json'), pythonJson({ version, ts }) + '\n');
  const data = mkdtempSync(join(tmpdir(), 'ccci-volume-'));
  try {
    writeFileSync(join(data, 'deployed-version'), `${version}\n`);
    await execa('tar', [
      '-cf',
      join(volumes, `${domain.replaceAll('.', '_')}_data.tar`),
      '-C',
      data,
      '.',
    ]);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

/** Runs the reader; a registry cc-ci would choke on is an Error carrying every problem it found. */
export async function readCiWarmRegistry(warmRoot: string): Promise<CiWarmRegistryView> {
  const result = await execa('python3', [CCCI_REGISTRY_READER_PATH, warmRoot], { reject: false });
  if (result.exitCode !== 0) {
    throw new Error(
      `cc-ci could not read the registry ${warmRoot} (exit ${String(result.exitCode)}):\n${result.stderr}`,
    );
  }
  return JSON.parse(result.stdout) as CiWarmRegistryView;
}

function pythonJson(value: Record<string, string>): string {
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`;
}
