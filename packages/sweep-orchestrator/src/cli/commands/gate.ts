import { evaluateGate } from '@canon/promote-gate';
import { isReleaseTag } from '@canon/trigger';
import { loadConfig } from '../../config/index.js';
import { boolOption, configOptions, stringOption, type CommandContext } from '../context.js';
import { mirrorTags, recipeNamed, tagForVersion } from '../mirror-tags.js';
import { usageError } from '../usage-error.js';

export async function run(ctx: CommandContext): Promise<number> {
  const version = stringOption(ctx, 'version');
  const rawExit = stringOption(ctx, 'exit-code');
  const problems: string[] = [];
  if (version === undefined) problems.push('--version V is required');
  if (rawExit === undefined || !/^-?\d+$/.test(rawExit)) problems.push(`--exit-code N must be an integer, got ${rawExit === undefined ? 'nothing' : JSON.stringify(rawExit)}`);
  if (problems.length > 0 || version === undefined) throw usageError('gate', problems);
  const config = await loadConfig(configOptions(ctx));
  const recipe = recipeNamed(config, 'gate', stringOption(ctx, 'recipe'));
  const tag = tagForVersion(await mirrorTags(config, recipe), version);
  const verdict = evaluateGate({
    enrolled: recipe.enrolled,
    exitCode: Number(rawExit),
    quick: boolOption(ctx, 'quick'),
    ref: stringOption(ctx, 'ref') ?? null,
    tagged: tag !== null && isReleaseTag(tag.name, { includePrereleases: config.includePrereleases }),
  });
  ctx.stdout(`${JSON.stringify(verdict)}\n`);
  return verdict.promote ? 0 : 1;
}
