import { describe, expect, it } from 'vitest';
import { COMMANDS } from './command-table.js';
import { colorAllowed, runCli, type CliIo } from './main.js';

function io(env: NodeJS.ProcessEnv = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { env, cwd: '/nonexistent', isTTY: false, out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

describe('runCli', () => {
  it('prints the package version for --version and exits 0', async () => {
    const x = io();
    expect(await runCli(['--version'], x)).toBe(0);
    expect(x.out.join('')).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('--help lists every command with an example', async () => {
    const x = io();
    expect(await runCli(['--help'], x)).toBe(0);
    const help = x.out.join('');
    for (const c of COMMANDS) {
      expect(help).toContain(`  ${c.name}`);
      expect(help).toContain(c.example);
    }
  });

  it.each(COMMANDS.map((c) => c.name))('`canon %s --help` shows its usage and examples', async (name) => {
    const x = io();
    expect(await runCli([name, '--help'], x)).toBe(0);
    expect(x.out.join('')).toContain('Usage: canon ');
    expect(x.out.join('')).toContain('Examples:');
  });

  it.each(COMMANDS.map((c) => c.name))('`canon %s --help` describes every flag and positional and shows examples', async (name) => {
    const x = io();
    expect(await runCli([name, '--help'], x)).toBe(0);
    const help = x.out.join('');
    // A wrapped description continues on lines indented past the flag column.
    const rows = help.replace(/\n {6,}/g, ' ');
    const entry = COMMANDS.find((c) => c.name === name);
    const def = await entry?.load();
    for (const [flag, spec] of Object.entries(def?.flags ?? {})) {
      expect(rows).toMatch(new RegExp(`^  --${flag}\\b.*  ${escapeRegExp(spec.description)}$`, 'm'));
    }
    for (const line of help.split('\n').filter((l) => /^ {2}-|^ {6,}/.test(l))) expect(line.length).toBeLessThanOrEqual(100);
    for (const p of def?.positionals ?? []) expect(help).toContain(p.description);
    expect(help).toContain(`Examples:\n  ${entry?.example ?? ''}\n`);
    expect(help).toContain('-h, --help');
  });

  it('`canon help sweep` is `canon sweep --help`', async () => {
    const [a, b] = [io(), io()];
    expect(await runCli(['help', 'sweep'], a)).toBe(0);
    expect(await runCli(['sweep', '--help'], b)).toBe(0);
    expect(a.out.join('')).toBe(b.out.join(''));
  });

  it.each([
    { argv: ['swep'], text: 'did you mean sweep?' },
    { argv: ['stauts'], text: 'did you mean status?' },
    { argv: ['upgrade'], text: 'did you mean upgrade-base?' },
    { argv: ['sweep', '--forse'], text: "Unknown option '--forse'; did you mean --force?" },
    { argv: ['sweep', '--dryrun'], text: 'did you mean --dry-run?' },
    { argv: ['report', '--formt', 'md'], text: 'did you mean --format?' },
    { argv: ['promote', '--recpie', 'gitea'], text: 'did you mean --recipe?' },
  ])('answers $argv with the nearest match, exit 2', async ({ argv, text }) => {
    const x = io();
    expect(await runCli(argv, x)).toBe(2);
    expect(x.err.join('')).toContain(text);
  });

  it('suggests nothing for a command that is nowhere near', async () => {
    const x = io();
    expect(await runCli(['frobnicate'], x)).toBe(2);
    expect(x.err.join('')).not.toContain('did you mean');
    expect(x.err.join('')).toContain(`commands: ${COMMANDS.map((c) => c.name).join(', ')} (see \`canon --help\`)`);
  });

  it.each([
    { argv: ['frobnicate'], why: 'unknown command', text: 'unknown command "frobnicate"' },
    { argv: ['sweep', '--frob'], why: 'unknown option', text: "Unknown option '--frob'" },
    { argv: ['sweep', 'extra'], why: 'stray argument', text: 'expected 0 argument(s), got 1' },
    { argv: ['upgrade-base', 'gitea'], why: 'missing argument', text: 'expected 2 argument(s), got 1' },
    { argv: [], why: 'no command', text: '' },
  ])('exits 2 on a usage error ($why)', async ({ argv, text }) => {
    const x = io();
    expect(await runCli(argv, x)).toBe(2);
    expect(x.err.join('')).toContain(text);
  });

  it('exits 2 naming where it looked when no config is found', async () => {
    const x = io({ CANON_CONFIG: '/nonexistent/canon.config.json' });
    expect(await runCli(['status'], x)).toBe(2);
    expect(x.err.join('')).toContain('/nonexistent/canon.config.json');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('colorAllowed', () => {
  it.each([
    { isTTY: true, env: {}, want: true },
    { isTTY: false, env: {}, want: false },
    { isTTY: true, env: { NO_COLOR: '1' }, want: false },
    { isTTY: true, env: { NO_COLOR: '' }, want: true },
    { isTTY: true, env: { TERM: 'dumb' }, want: false },
  ])('isTTY=$isTTY env=$env → $want', ({ isTTY, env, want }) => {
    expect(colorAllowed(isTTY, env)).toBe(want);
  });
});
