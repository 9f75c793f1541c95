import type { BooleanFlag, ListFlag, StringFlag } from './define-command.js';

// Flags several commands share, described once.
export const configFlag = {
  config: {
    type: 'string',
    placeholder: 'F',
    description: 'the config file (else $CANON_CONFIG, ./canon.config.json, /etc/canon/config.json)',
  },
} as const satisfies Record<string, StringFlag>;

export const jsonFlag = {
  json: { type: 'boolean', description: 'print JSON instead of text, for scripts' },
} as const satisfies Record<string, BooleanFlag>;

export const recipesFlag = {
  recipe: {
    type: 'string',
    multiple: true,
    placeholder: 'R',
    description: 'only this recipe; repeat for several (default: every configured recipe)',
  },
} as const satisfies Record<string, ListFlag>;

export const recipeFlag = {
  recipe: { type: 'string', placeholder: 'R', description: 'the recipe, by its name in the config (required)' },
} as const satisfies Record<string, StringFlag>;

/** The gate's two refusals another CI phase must report truthfully (SPEC "Promote gate"). */
export const gateRunFlags = {
  quick: {
    type: 'boolean',
    description: 'the run was a quick one (a subset of the suite): the gate refuses to promote it',
  },
  ref: {
    type: 'string',
    placeholder: 'REF',
    description: 'the run tested branch or ref REF instead of the release tag: the gate refuses to promote it',
  },
} as const satisfies Record<string, StringFlag | BooleanFlag>;
