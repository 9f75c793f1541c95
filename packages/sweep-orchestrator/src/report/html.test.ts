import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderReport } from './index.js';
import { fleetContext, recipeRun, runRecord } from '../testing/report-fixtures.js';

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('HTML dashboard (static checks; behaviour is tested in Chromium)', () => {
  const html = renderReport('html', fleetContext());

  it('is one self-contained file that may load nothing from anywhere', () => {
    expect(html).not.toMatch(/\ssrc=/i);
    // Links (never loads): each recipe's logs under the state directory and its history on this page.
    const hrefs = [...html.matchAll(/<(\w+)[^>]*\shref="([^"]*)"/gi)].map((m) => [m[1], m[2]]);
    expect(hrefs.length).toBeGreaterThan(9);
    for (const [tag, href] of hrefs) {
      expect(tag).toBe('a');
      expect(href).toMatch(/^(#history-[\w.-]+|runs\/[\w.-]+\/[\w.-]+\/[\w.-]+\.log)$/);
    }
    expect(html).not.toMatch(/@import|url\(/i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/^default-src 'none'; /);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain(`script-src ${hash(script)}`);
  });

  it('labels every outcome in words as well as colour', () => {
    expect(html).toContain('<span class="badge o-GREEN-BUT-PROMOTE-FAILED" title="suite green, warm deploy not healthy">GREEN-BUT-PROMOTE-FAILED</span>');
    expect(html.match(/<tr data-recipe=/g)).toHaveLength(9);
  });

  it('escapes every string from the record', () => {
    const ctx = fleetContext();
    ctx.run = runRecord('r"><script>1</script>', [recipeRun('a<b>"c\'&', { detail: '</td><script>alert(1)</script>' })]);
    ctx.schedule = { onCalendar: '<i>weekly</i>' };
    const out = renderReport('html', ctx);
    expect(out.match(/<script>/g)).toHaveLength(1);
    expect(out).toContain('data-recipe="a&lt;b&gt;&quot;c&#39;&amp;"');
    expect(out).toContain('&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).not.toContain('<i>');
  });
});
