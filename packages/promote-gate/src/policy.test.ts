import { describe, expect, it } from 'vitest';
import { policyExcuses, type PolicyInput } from '@canon/promote-gate';

const clear: PolicyInput = { version: '3.6.0+1.24.2', block: [], canonical: '3.5.3+1.24.2' };
const blocked = [{ version: 'v3.6.0+1.24.2', reason: 'breaks OIDC' }];

describe('policyExcuses', () => {
  it.each<[string, Partial<PolicyInput>, { code: string; message: string }[]]>([
    ['a newer version, nothing blocked', {}, []],
    ['a recipe with no canonical yet', { canonical: null }, []],
    ['the canonical itself again', { canonical: '3.6.0+1.24.2' }, []],
    [
      'a blocked version (v-prefix or not)',
      { block: blocked },
      [{ code: 'blocked', message: '3.6.0+1.24.2 is blocked in the config: breaks OIDC' }],
    ],
    [
      'a version older than the canonical',
      { canonical: 'v3.7.0+1.25.0' },
      [
        {
          code: 'older-than-canonical',
          message:
            '3.6.0+1.24.2 is older than the canonical v3.7.0+1.25.0; the canonical only moves forward',
        },
      ],
    ],
    ['a canonical that is not a release version', { canonical: 'main' }, []],
    [
      'an asked version that is not a release version',
      { version: 'main', canonical: '3.5.3+1.24.2' },
      [],
    ],
  ])('%s', (_name, over, reasons) => {
    expect(policyExcuses({ ...clear, ...over })).toEqual(reasons);
  });

  it('lists every rule broken, each as its own excuse', () => {
    const reasons = policyExcuses({ ...clear, block: blocked, canonical: '4.0.0+2.0.0' });
    expect(reasons.map((r) => r.code)).toEqual(['blocked', 'older-than-canonical']);
  });
});
