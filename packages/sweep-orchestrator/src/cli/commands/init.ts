import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN } from '../../config/builtin-defaults.js';
import { starterWalkthrough, writeStarterConfig } from '../../init/starter-config.js';
import { stringOption, type CommandContext } from '../context.js';

/** Writes a starter config where the other commands would look first; refuses to overwrite one. */
export async function run(ctx: CommandContext): Promise<number> {
  const flag = stringOption(ctx, 'config') ?? (ctx.env.CANON_CONFIG === '' ? undefined : ctx.env.CANON_CONFIG);
  const path = resolve(ctx.cwd, flag ?? 'canon.config.json');
  const stateDir = resolve(ctx.cwd, stringOption(ctx, 'state-dir') ?? BUILTIN.stateDir);
  const schema = publishedSchema();
  const result = await writeStarterConfig(path, { stateDir, ...(schema === undefined ? {} : { schema }) });
  if (!result.written) {
    ctx.stderr(`canon init: ${result.reason}\n`);
    return 1;
  }
  ctx.stdout(starterWalkthrough(path));
  return 0;
}

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
