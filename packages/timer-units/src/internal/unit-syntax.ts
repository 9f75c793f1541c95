// Just enough of systemd's unit-file syntax to render values that read back exactly, and
// to read the units canon renders, hand-written ones and NixOS-generated ones.

export type UnitFile = Map<string, Map<string, string[]>>;

/** Sections → keys → values in file order. An empty assignment resets a key, as in systemd. */
export function parseUnitFile(text: string): UnitFile {
  const unit: UnitFile = new Map();
  let section: Map<string, string[]> | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = `${line.slice(0, -1)} ${(lines[++i] ?? '').trim()}`;
    }
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header?.[1] !== undefined) {
      section = unit.get(header[1]) ?? new Map<string, string[]>();
      unit.set(header[1], section);
      continue;
    }
    const eq = line.indexOf('=');
    if (section === undefined || eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    section.set(key, value === '' ? [] : [...(section.get(key) ?? []), value]);
  }
  return unit;
}

export function values(unit: UnitFile, section: string, key: string): string[] {
  return unit.get(section)?.get(key) ?? [];
}

export function lastValue(unit: UnitFile, section: string, key: string): string | undefined {
  return values(unit, section, key).at(-1);
}

/** Splits a value into words, honouring quotes and backslash escapes; `%%` reads as `%`. */
export function splitWords(value: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (quote === null && /\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
      continue;
    }
    word ??= '';
    if (ch === '\\' && i + 1 < value.length) {
      const next = value[++i] ?? '';
      word += next === 'n' ? '\n' : next === 't' ? '\t' : next;
    } else if (quote === null && (ch === '"' || ch === "'")) {
      quote = ch;
    } else if (ch === quote) {
      quote = null;
    } else {
      word += ch;
    }
  }
  if (word !== null) words.push(word);
  return words.map((w) => w.replaceAll('%%', '%'));
}

/** ExecStart= words with the prefix characters (`-@:+!`) removed and `$$` read as `$`. */
export function splitExecStart(value: string): { argv: string[]; prefixes: string } {
  const words = splitWords(value).map((w) => w.replaceAll('$$', '$'));
  const first = words[0] ?? '';
  const prefixes = /^[-@:+!]*/.exec(first)?.[0] ?? '';
  const argv = [first.slice(prefixes.length), ...words.slice(1)];
  // With "@", the second word is only argv[0]; the program is still the first word.
  if (prefixes.includes('@')) argv.splice(1, 1);
  return { argv, prefixes };
}

/** KEY=VALUE pairs of all Environment= lines, later ones winning. */
export function parseEnvironment(lines: readonly string[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of lines) {
    for (const word of splitWords(line)) {
      const eq = word.indexOf('=');
      if (eq > 0) env.set(word.slice(0, eq), word.slice(eq + 1));
    }
  }
  return env;
}

const BARE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for a unit file: `%` escaped as a specifier, quoted when it holds anything unusual. */
export function quoteWord(word: string, opts: { exec?: boolean } = {}): string {
  let escaped = word.replaceAll('%', '%%');
  if (opts.exec === true) escaped = escaped.replaceAll('$', '$$$$');
  if (BARE_WORD.test(escaped)) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** A path value (WorkingDirectory=): taken whole, so only specifiers need escaping. */
export function escapePathValue(value: string): string {
  return value.replaceAll('%', '%%');
}

/** Control characters (newline, tab, NUL, …) never belong in a unit value and would split a line. */
export function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
