import { COMMANDS, type CommandEntry } from './command-table.js';
import type { CommandDefinition, FlagSpec } from './define-command.js';

export function renderMainHelp(version: string): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = [
    `canon ${version} — keeps a CI fleet's known-good Co-op Cloud deployments in step with upstream releases`,
    '',
    'Usage: canon <command> [options]      canon <command> --help',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Examples:',
    ...COMMANDS.map((c) => `  ${c.example}`),
    '',
    'Every command takes --config F (else $CANON_CONFIG, ./canon.config.json, /etc/canon/config.json).',
    'Exit codes: 0 all PROMOTED/SKIPPED · 1 any other outcome · 2 usage or config error ·',
    '            3 hollow (no enrolled recipe) · 75 another sweep holds the lock · 130/143 interrupted',
  ];
  return `${lines.join('\n')}\n`;
}

const HELP_WIDTH = 100;

/** Greedy word wrap, so a long description stays readable in an 80–100 column terminal. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > Math.max(width, 30)) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', description: 'show this help' };

function flagLabel(name: string, spec: FlagSpec): string {
  const short = spec.short === undefined ? '' : `-${spec.short}, `;
  const value = spec.type === 'string' ? ` ${spec.placeholder}${spec.multiple === true ? '...' : ''}` : '';
  return `${short}--${name}${value}`;
}

/** `canon <command> --help`: usage, each positional and flag with what it does, examples. */
export function renderCommandHelp(entry: CommandEntry, def: CommandDefinition): string {
  const flags = Object.entries({ ...def.flags, help: HELP_FLAG }).map(([name, spec]) => [flagLabel(name, spec), spec.description] as const);
  const args = def.positionals.map((p) => [p.optional === true ? `[${p.name}]` : p.name, p.description] as const);
  const width = Math.max(...[...flags, ...args].map(([label]) => label.length));
  const table = (rows: readonly (readonly [string, string])[]) =>
    rows.map(([label, text]) => `  ${label.padEnd(width)}  ${wrap(text, HELP_WIDTH - width - 4).join(`\n${' '.repeat(width + 4)}`)}`);
  const lines = [
    `canon ${entry.name} — ${entry.summary}`,
    '',
    `Usage: ${def.usage}`,
    ...(args.length > 0 ? ['', 'Arguments:', ...table(args)] : []),
    '',
    'Options:',
    ...table(flags),
    ...(def.notes === undefined ? [] : ['', ...def.notes]),
    '',
    'Examples:',
    ...[entry.example, ...def.examples].map((e) => `  ${e}`),
  ];
  return `${lines.join('\n')}\n`;
}
