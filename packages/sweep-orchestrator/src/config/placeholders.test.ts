import { describe, expect, it } from 'vitest';
import { deepMerge } from './merge.js';
import { expandEnv, expandPlaceholders, unknownPlaceholders } from './placeholders.js';

describe('placeholders', () => {
  it('expands every known placeholder, empty when it has no value, and leaves other braces alone', () => {
    const argv = ['deploy', '{domain}', '{version}', 'base={upgradeBase}', '{"json":1}', '{ }', '{recipe}-{recipe}'];
    expect(expandPlaceholders(argv, { domain: 'warm.example', version: '1.0.0+2', recipe: 'x' })).toEqual([
      'deploy',
      'warm.example',
      '1.0.0+2',
      'base=',
      '{"json":1}',
      '{ }',
      'x-x',
    ]);
  });

  it('never re-expands a value that itself looks like a placeholder', () => {
    expect(expandPlaceholders(['{tag}'], { tag: '{recipe}', recipe: 'nope' })).toEqual(['{recipe}']);
  });

  it('expands env values, not keys', () => {
    expect(expandEnv({ RECIPE: '{recipe}', '{recipe}': 'v' }, { recipe: 'gitea' })).toEqual({ RECIPE: 'gitea', '{recipe}': 'v' });
  });

  it('finds unknown placeholders', () => {
    expect(unknownPlaceholders('{recipe}/{verison}/{x}', ['recipe'])).toEqual(['verison', 'x']);
  });
});

describe('deepMerge', () => {
  it('merges objects key by key; arrays, scalars and null replace; inputs stay untouched', () => {
    const base = { a: { b: 1, c: [1, 2], d: { e: 'x' } }, f: 'keep', g: ['x'] };
    const over = { a: { c: [3], d: null }, g: [] as string[] };
    const snapshot = JSON.stringify(base);
    expect(deepMerge(base, over)).toEqual({ a: { b: 1, c: [3], d: null }, f: 'keep', g: [] });
    expect(JSON.stringify(base)).toBe(snapshot);
  });
});
