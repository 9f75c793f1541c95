import { userInfo } from 'node:os';
import { loadConfig } from '../../config/index.js';
import { openConfiguredRegistry } from '../../open-registry.js';
import { newestStandingFailure } from '../../verdicts/standing.js';
import { configOptions, stringOption, type CommandContext } from '../context.js';
import { recipeNamed } from '../mirror-tags.js';

/**
 * `canon recheck --recipe R [--reason T]`: one more try for the recipe's known failure,
 * recorded in approvals.jsonl (the next verdict uses it up). Without a final verdict there is
 * nothing to recheck: exit 1, nothing written.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const config = await loadConfig(configOptions(ctx));
  const recipe = recipeNamed(config, 'recheck', stringOption(ctx, 'recipe'));
  const registry = openConfiguredRegistry(config);
  const { records } = await registry.readVerdicts(recipe.name);
  const standing = newestStandingFailure(records);
  if (standing === null) {
    ctx.stderr(
      `canon recheck: ${recipe.name} has no final verdict to recheck (verdicts.jsonl holds ${records.length} line(s), none a standing ` +
        'FAILED, TIMED-OUT or deterministic promote failure); nothing was written. The next sweep tests it as usual.\n',
    );
    return 1;
  }
  const reason = stringOption(ctx, 'reason') ?? 'recheck requested';
  const ts = new Date().toISOString();
  const { version, commit } = standing.key;
  const who = userInfo().username;
  await registry.appendApproval(recipe.name, { schema: 1, ts, kind: 'recheck', version, commit, who, reason });
  await registry.appendHistory(recipe.name, {
    type: 'rechecked', ts, runId: null, version, commit,
    detail: `${who}: ${reason} (known failure ${standing.outcome} in run ${standing.runId})`,
  });
  ctx.stdout(`${recipe.name}: recheck of ${version} (${standing.outcome} in run ${standing.runId}) recorded; the next sweep re-tests it once\n`);
  return 0;
}
