import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STATE_DIR, starterWalkthrough, writeStarterConfig } from '../../index.js';
import { defineCommand } from '../define-command.js';

export const command = defineCommand({
  usage: 'canon init [--config F] [--state-dir D]',
  flags: {
    config: {
      type: 'string',
      placeholder: 'F',
      description: 'where to write the starter config (default: $CANON_CONFIG, else ./canon.config.json); an existing file is never overwritten',
    },
    'state-dir': {
      type: 'string',
      placeholder: 'D',
      description: `the stateDir the starter config names and init creates (default ${DEFAULT_STATE_DIR}); an explicit registryDir is never created`,
    },
  },
  positionals: [],
  examples: ['canon init --config ./canon.config.json --state-dir ./state'],
  notes: [
    'The config is strict JSON (its "$schema" points at the published schema); the walk-through of every key is printed to stdout.',
    'Exit: 0 written · 1 a config already exists there (left byte-identical).',
  ],
  /** Writes a starter config where the other commands would look first; refuses to overwrite one. */
  async run(ctx) {
    const flag = ctx.flags.config ?? (ctx.env.CANON_CONFIG === '' ? undefined : ctx.env.CANON_CONFIG);
    const path = resolve(ctx.cwd, flag ?? 'canon.config.json');
    const stateDir = resolve(ctx.cwd, ctx.flags['state-dir'] ?? DEFAULT_STATE_DIR);
    const schema = publishedSchema();
    const result = await writeStarterConfig(path, { stateDir, ...(schema === undefined ? {} : { schema }) });
    if (!result.written) {
      ctx.stderr(`canon init: ${result.reason}\n`);
      return 1;
    }
    ctx.stdout(starterWalkthrough(path));
    return 0;
  },
});

/** The JSON Schema shipped in this package (schemas/), found from the built or the source file. */
function publishedSchema(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'schemas', 'canon.config.schema.json');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}
