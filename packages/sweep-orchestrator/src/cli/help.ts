import { COMMANDS, type CommandDef } from './command-table.js';

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
    ...COMMANDS.map((c) => `  ${c.examples[0] ?? c.usage}`),
    '',
    'Every command takes --config F (else $CANON_CONFIG, ./canon.config.json, /etc/canon/config.json).',
    'Exit codes: 0 all PROMOTED/SKIPPED · 1 any other outcome · 2 usage or config error ·',
    '            3 hollow (no enrolled recipe) · 75 another sweep holds the lock · 130/143 interrupted',
  ];
  return `${lines.join('\n')}\n`;
}

export function renderCommandHelp(cmd: CommandDef): string {
  const lines = [
    `canon ${cmd.name} — ${cmd.summary}`,
    '',
    `Usage: ${cmd.usage}`,
    '',
    'Examples:',
    ...cmd.examples.map((e) => `  ${e}`),
  ];
  return `${lines.join('\n')}\n`;
}

export { COMMANDS };
