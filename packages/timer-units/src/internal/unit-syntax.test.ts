import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hasControlCharacter,
  parseEnvironment,
  parseUnitFile,
  quoteWord,
  splitExecStart,
  splitWords,
  values,
} from './unit-syntax.js';

const printable = fc
  .string({ unit: 'grapheme', maxLength: 40 })
  .filter((s) => !hasControlCharacter(s));

describe('unit syntax', () => {
  it('reads back every quoted word exactly, whatever it holds', () => {
    fc.assert(
      fc.property(fc.array(printable, { minLength: 1, maxLength: 5 }), (words) => {
        expect(splitWords(words.map((w) => quoteWord(w)).join(' '))).toEqual(words);
        const exec = splitExecStart(
          ['/usr/bin/canon', ...words].map((w) => quoteWord(w, { exec: true })).join(' '),
        );
        expect(exec.argv).toEqual(['/usr/bin/canon', ...words]);
      }),
      { numRuns: 300 },
    );
  });

  it('reads units the way NixOS writes them: quoted Environment= lines, X- keys, continuation lines', () => {
    const unit = parseUnitFile(
      [
        '[Unit]',
        'After=network-online.target',
        'X-RestartIfChanged=false',
        '',
        '[Service]',
        'Environment="LOCALE_ARCHIVE=/nix/store/abc-glibc-locales/lib/locale/locale-archive"',
        'Environment="PATH=/nix/store/b-bash/bin:/nix/store/g-git/bin:/nix/store/b-bash/sbin"',
        'Environment="TZDIR=/nix/store/t-tzdata/share/zoneinfo"',
        '# a comment',
        'ExecStart=/nix/store/c-canon/bin/canon sweep \\',
        '  --config /etc/canon/config.json',
        'ExecStartPre=',
        'ProtectControlGroups=true',
      ].join('\n'),
    );
    expect(parseEnvironment(values(unit, 'Service', 'Environment')).get('PATH')).toBe(
      '/nix/store/b-bash/bin:/nix/store/g-git/bin:/nix/store/b-bash/sbin',
    );
    expect(splitExecStart(values(unit, 'Service', 'ExecStart')[0] ?? '').argv).toEqual([
      '/nix/store/c-canon/bin/canon',
      'sweep',
      '--config',
      '/etc/canon/config.json',
    ]);
    expect(values(unit, 'Service', 'ExecStartPre')).toEqual([]);
    expect(values(unit, 'Unit', 'X-RestartIfChanged')).toEqual(['false']);
  });

  it('strips ExecStart= prefixes and skips the argv[0] word after "@"', () => {
    expect(splitExecStart('-/usr/bin/canon sweep')).toEqual({
      argv: ['/usr/bin/canon', 'sweep'],
      prefixes: '-',
    });
    expect(splitExecStart('@/usr/bin/canon canon-sweep sweep')).toEqual({
      argv: ['/usr/bin/canon', 'sweep'],
      prefixes: '@',
    });
  });
});
