import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateJsonError } from './json-syntax.js';

function locate(text: string) {
  try {
    JSON.parse(text);
  } catch (error) {
    return locateJsonError(text, error as Error);
  }
  throw new Error(`${JSON.stringify(text)} parsed`);
}

function parseError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('locateJsonError', () => {
  it.each([
    { text: '{\n  "a": 1\n  "b": 2\n}', line: 3, column: 3, reason: "Expected ',' or '}' after property value" },
    { text: '{"a": 1,}', line: 1, column: 9, reason: 'Expected double-quoted property name' },
    { text: '{\n  "recipes": {\n    "gitea": {"upstream": tru}\n  }\n}', line: 3, column: 30, reason: "Unexpected token '}'" },
    { text: '{"recipes": ', line: 1, column: 13, reason: 'Unexpected end of JSON input' },
    { text: '', line: 1, column: 1, reason: 'Unexpected end of JSON input' },
    { text: '{"a": "x\n"}', line: 1, column: 9, reason: 'Bad control character in string literal' },
    { text: '{}\n{}', line: 2, column: 1, reason: 'Unexpected non-whitespace character after JSON' },
    { text: '[1, 2,\n 03]', line: 2, column: 3, reason: expect.any(String) },
    { text: '{"a": "\\x"}', line: 1, column: 9, reason: expect.any(String) },
  ])('$text → line $line, column $column', ({ text, line, column, reason }) => {
    expect(locate(text)).toEqual({ line, column, reason });
  });

  it('agrees with the position V8 names whenever it names one', () => {
    const config = JSON.stringify({ stateDir: '/var/lib/canon', recipes: { gitea: { upstream: 'https://x/y.git', enrolled: true, n: [1, -2.5e3] } } }, null, 2);
    fc.assert(
      fc.property(fc.nat(config.length - 1), fc.constantFrom('', ',', '}', '"', 'x', '\n', ':', '[', '0'), (at, insert) => {
        const text = config.slice(0, at) + insert + config.slice(at + 1);
        const message = parseError(text);
        const named = message === null ? null : / at position (\d+)/.exec(message);
        if (named === null) return;
        const offset = Number(named[1]);
        const before = text.slice(0, offset);
        expect(locate(text)).toMatchObject({ line: before.split('\n').length, column: offset - before.lastIndexOf('\n') });
      }),
      { numRuns: 500 },
    );
  });
});
