import { CanonError, type CanonErrorOptions } from '@canon/errors';

export type ConfigProblem = { path: string; message: string };

export const CONFIG_ERROR_CODES = ['CONFIG_INVALID', 'CONFIG_NOT_FOUND', 'CONFIG_UNREADABLE'] as const;

export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

export type ConfigErrorData = { path: string | null; errors: ConfigProblem[] };

/** Every config failure, with every problem found (not just the first) and its JSON path. */
export class ConfigError extends CanonError<ConfigErrorCode, ConfigErrorData> {
  static override readonly brand = 'ConfigError';
  static override readonly codes = CONFIG_ERROR_CODES;

  constructor(code: ConfigErrorCode, data: ConfigErrorData, options?: CanonErrorOptions) {
    super(code, data, options, formatConfigMessage(code, data));
  }
}

function formatConfigMessage(code: ConfigErrorCode, data: { path: string | null; errors: ConfigProblem[] }): string {
  const where = data.path ?? '(no file)';
  const head =
    code === 'CONFIG_INVALID'
      ? `${where}: ${data.errors.length} problem${data.errors.length === 1 ? '' : 's'} in the configuration; fix them and run again`
      : code === 'CONFIG_NOT_FOUND'
        ? `no configuration found (looked at ${where})`
        : `cannot read the configuration at ${where}`;
  const lines = data.errors.map((e) => `  ${e.path === '' ? '(root)' : e.path}: ${e.message}`);
  return [head, ...lines].join('\n');
}

/** `recipes.custom-html.test.command[0]`; keys that would read ambiguously are quoted. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z0-9_$][A-Za-z0-9_$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
