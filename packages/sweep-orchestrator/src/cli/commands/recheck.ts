import { userInfo } from 'node:os';
import { loadConfig, newestStandingFailure, openConfiguredRegistry } from '../../index.js';
import { configOptions } from '../context.js';
import { defineCommand } from '../define-command.js';
import { configFlag, recipeFlag } from '../flags.js';
import { recipeNamed } from '../mirror-tags.js';

/**
 * `canon recheck --recipe R [--reason T]`: one more try for the recipe's known failure,
 * recorded in approvals.jsonl (the next verdict uses it up). Without a final verdict there is
 * nothing to recheck: exit 1, nothing written.
 */
export const command = defineCommand({
  usage: 'canon recheck --recipe R [--reason T] [--config F]',
  flags: {
    ...recipeFlag,
    reason: { type: 'string', placeholder: 'T', description: 'why it is worth another try (recorded with who and when); default "recheck requested"' },
    ...configFlag,
  },
  positionals: [],
  examples: ['canon recheck --recipe gitea --reason "runner image fixed"'],
  notes: ['Exit: 0 recorded (the next sweep re-tests the known failure once) · 1 the recipe has no final verdict; nothing written.'],
  async run(ctx) {
    const config = await loadConfig(configOptions(ctx));
    const recipe = recipeNamed(config, 'recheck', ctx.flags.recipe);
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
    const reason = ctx.flags.reason ?? 'recheck requested';
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
  },
});
