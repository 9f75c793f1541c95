export const PLACEHOLDER_NAMES = [
  'recipe',
  'version',
  'tag',
  'commit',
  'checkout',
  'domain',
  'previousVersion',
  'upgradeBase',
  'runId',
  'runDir',
] as const;

export type PlaceholderName = (typeof PLACEHOLDER_NAMES)[number];
export type PlaceholderValues = Partial<Record<PlaceholderName, string>>;

/** Any `{word}` is a placeholder; other braces (`{"a":1}`, `{ }`) are left alone. */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/** The placeholders of `text` that are not in `allowed`. */
export function unknownPlaceholders(text: string, allowed: readonly string[]): string[] {
  return placeholdersIn(text).filter((name) => !allowed.includes(name));
}

/** Known placeholders without a value expand to the empty string (e.g. no upgrade base). */
export function expandString(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    (PLACEHOLDER_NAMES as readonly string[]).includes(name) ? (values[name as PlaceholderName] ?? '') : whole,
  );
}

export function expandPlaceholders(argv: readonly string[], values: PlaceholderValues): string[] {
  return argv.map((arg) => expandString(arg, values));
}

export function expandEnv(env: Readonly<Record<string, string>>, values: PlaceholderValues): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, expandString(v, values)]));
}
