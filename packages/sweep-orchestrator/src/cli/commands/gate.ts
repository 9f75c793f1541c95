import { evaluateGate } from '@canon/promote-gate';
import { isReleaseTag } from '@canon/trigger';
import { loadConfig } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag, gateRunFlags, recipeFlag } from '../flags.js';
import { mirrorTags, recipeNamed, tagForVersion } from '../mirror-tags.js';
import { usageError } from '../usage-error.js';

export const command = defineCommand({
  usage: 'canon gate --recipe R --version V --exit-code N [--quick] [--ref REF] [--config F]',
  flags: {
    ...recipeFlag,
    version: { type: 'string', placeholder: 'V', description: 'the version that was tested: a release tag on the mirror (V or vV); required' },
    'exit-code': { type: 'string', placeholder: 'N', description: "the test suite's exit code; only 0 can promote; required" },
    ...gateRunFlags,
    ...configFlag,
  },
  positionals: [],
  examples: ['canon gate --recipe gitea --version 3.6.1+1.24.3-rootless --exit-code 0 --quick'],
  notes: ['Prints {"promote": bool, "reasons": [...]} and changes nothing. Exit: 0 it would promote · 1 it would not.'],
  async run(ctx) {
    const { version, 'exit-code': rawExit } = ctx.flags;
    const problems: string[] = [];
    if (version === undefined) problems.push('--version V is required');
    if (rawExit === undefined || !/^-?\d+$/.test(rawExit)) problems.push(`--exit-code N must be an integer, got ${rawExit === undefined ? 'nothing' : JSON.stringify(rawExit)}`);
    if (problems.length > 0 || version === undefined) throw usageError('gate', problems);
    const config = await loadConfig(configOptions(ctx));
    const recipe = recipeNamed(config, 'gate', ctx.flags.recipe);
    const tag = tagForVersion(await mirrorTags(config, recipe), version);
    const verdict = evaluateGate({
      enrolled: recipe.enrolled,
      exitCode: Number(rawExit),
      quick: ctx.flags.quick,
      ref: ctx.flags.ref ?? null,
      tagged: tag !== null && isReleaseTag(tag.name, { includePrereleases: config.includePrereleases }),
    });
    ctx.stdout(`${JSON.stringify(verdict)}\n`);
    return verdict.promote ? 0 : 1;
  },
});
