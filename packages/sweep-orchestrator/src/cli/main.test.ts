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
      expect(help).toContain(c.examples[0]);
    }
  });

  it.each(COMMANDS.map((c) => c.name))('`canon %s --help` shows its usage and examples', async (name) => {
    const x = io();
    expect(await runCli([name, '--help'], x)).toBe(0);
    expect(x.out.join('')).toContain('Usage: canon ');
    expect(x.out.join('')).toContain('Examples:');
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
