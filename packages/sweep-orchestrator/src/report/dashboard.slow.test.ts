// The HTML dashboard in real headless Chromium: rows, sorting, filtering, no console
// errors, and not one request beyond the page itself.

import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from './index.js';
import { fleetContext, recipeRun, runRecord } from '../testing/report-fixtures.js';
import { partialFleetContext } from '../testing/fleet-fixtures.js';
import type { ReportContext } from './context.js';

const CHROMIUM = '/usr/bin/chromium';
const ORIGIN = 'http://dashboard.canon.test';
const DOCS = (name: string): string => fileURLToPath(new URL(`../../../../docs/${name}`, import.meta.url));

/** The one browser global the test reads; the package's tsconfig has no DOM lib. */
type Styled = { getComputedStyle(el: unknown): { backgroundColor: string } };
type Loaded = { page: Page; requests: string[]; errors: string[] };

describe.skipIf(!existsSync(CHROMIUM))(`dashboard in headless Chromium (needs ${CHROMIUM})`, () => {
  let browser: Browser;
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'canon-dashboard-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  /** Serves the page from a fake origin; every other request is recorded and aborted. */
  async function load(ctx: ReportContext, width = 1280): Promise<Loaded> {
    const html = renderReport('html', ctx);
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') errors.push(msg.text());
    });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.route('**/*', (route) =>
      route.request().url() === `${ORIGIN}/`
        ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html })
        : route.abort('blockedbyclient'),
    );
    await page.goto(`${ORIGIN}/`, { waitUntil: 'load' });
    return { page, requests, errors };
  }

  const column = (page: Page, index: number): Promise<string[]> =>
    page.$$eval(`#status tbody tr:not([hidden]) td:nth-child(${index})`, (cells) => cells.map((c) => (c.textContent ?? '').trim()));

  it('renders one row per recipe with labelled outcomes, sorts, filters, and fetches nothing', async () => {
    const { page, requests, errors } = await load(fleetContext());
    expect(await column(page, 1)).toEqual([
      'authentik', 'custom-html', 'discourse', 'gitea', 'hedgedoc', 'keycloak', 'lasuite-docs', 'matrix-synapse', 'nextcloud',
    ]);
    const gitea = page.locator('tr[data-recipe="gitea"] td');
    expect(await gitea.allTextContents()).toEqual([
      'gitea', '3.6.0+1.24.2-rootless', '3.6.0+1.24.2-rootless', 'PROMOTED', '1d', '3.5.3+1.24.2-rootless → 3.6.0+1.24.2-rootless at b7b7b7b7b7b7',
      '8m 28s', '3.0 GiB', 'sync test · history',
    ]);
    const badge = page.locator('tr[data-recipe="discourse"] .badge');
    expect(await badge.textContent()).toBe('FAILED');
    const background = await badge.evaluate((el) => (globalThis as unknown as Styled).getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(207, 34, 46)');

    await page.getByRole('button', { name: 'Recipe' }).click();
    expect((await column(page, 1))[0]).toBe('nextcloud');
    expect(await page.locator('th', { hasText: 'Recipe' }).getAttribute('aria-sort')).toBe('descending');

    await page.getByRole('button', { name: 'Canonical age' }).click();
    expect(await column(page, 5)).toEqual(['1d', '1d', '8d', '8d', '8d', '159d', '–', '–', '–']);

    await page.getByRole('button', { name: 'Last outcome' }).click();
    // The outcome cell also carries the last test's verdict beside the badge: `FAILED` + `red`.
    expect((await column(page, 4)).slice(0, 2)).toEqual(['TIMED-OUTtimed-out', 'FAILEDred']);

    await page.fill('#filter', 'rootless');
    expect(await column(page, 1)).toEqual(['gitea']);
    expect(await page.textContent('#shown')).toBe('1 of 9 recipes shown');

    await page.fill('#filter', '');
    await page.selectOption('#outcome-filter', 'SKIPPED');
    expect((await column(page, 1)).sort()).toEqual(['keycloak', 'lasuite-docs', 'nextcloud']);

    const timeline = await page.$$eval('.timeline li', (items) => items.map((li) => (li.textContent ?? '').replace(/\s+/g, ' ')));
    expect(timeline[0]).toContain('gitea 3.5.3+1.24.2-rootless → 3.6.0+1.24.2-rootless');
    expect(timeline).toHaveLength(7);

    expect(errors).toEqual([]);
    expect(requests).toEqual([`${ORIGIN}/`]);
    await page.close();
  });

  it('shows hostile recipe names and tags as text and loads nothing they point at', async () => {
    const evil = '<img src="http://evil.example/x.png" onerror="console.error(1)">';
    const ctx = fleetContext();
    ctx.run = runRecord('20261122T030002Z-4f2a', [
      recipeRun(evil, { decision: { action: 'skip', reason: 'no-new-version', latest: '1.0.0+<script>alert(1)</script>', canonical: null } }),
    ]);
    ctx.canonicals = {};
    ctx.histories = { [evil]: [{ type: 'promoted', ts: '2026-11-22T03:00:00Z', runId: '"><iframe src=//evil.example>', version: '<b>1.0.0</b>', commit: '0'.repeat(40) }] };
    const { page, requests, errors } = await load(ctx);
    expect(await column(page, 1)).toEqual([evil]);
    expect(await column(page, 3)).toEqual(['1.0.0+<script>alert(1)</script>']);
    expect(await page.locator('img, iframe, b').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`${ORIGIN}/`]);
    await page.close();
  });

  it('sorts versions in version order, not as text, and links each recipe to its logs and history', async () => {
    const ctx = fleetContext();
    ctx.run = runRecord('r', ['a', 'b', 'c', 'd'].map((recipe, i) => recipeRun(recipe, {
      decision: { action: 'skip', reason: 'no-new-version', latest: ['1.10.0+2.0.0', '1.9.0+2.0.0', '1.2.0+10.0.0', '1.2.0+9.0.0'][i] ?? null, canonical: null },
      logs: { test: `${recipe}/test.log` },
    })));
    ctx.canonicals = {};
    ctx.histories = { c: [{ type: 'promoted', ts: '2026-11-22T03:00:00Z', runId: 'r', version: '1.2.0+10.0.0', commit: '0'.repeat(40) }] };
    const { page, errors, requests } = await load(ctx);
    await page.getByRole('button', { name: 'Latest tag' }).click();
    expect(await column(page, 3)).toEqual(['1.2.0+9.0.0', '1.2.0+10.0.0', '1.9.0+2.0.0', '1.10.0+2.0.0']);
    expect(await page.locator('tr[data-recipe="c"] td.logs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['runs/r/c/test.log', '#history-c']);
    await page.locator('tr[data-recipe="c"] td.logs a', { hasText: 'history' }).click();
    expect(await page.locator('#history-c .history li').allTextContents()).toEqual([expect.stringContaining('promoted 1.2.0+10.0.0')]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`${ORIGIN}/`]);
    await page.close();
  });

  it('takes screenshots of the fleet after a partial run, wide and narrow, into docs/', async () => {
    for (const [name, width] of [['dashboard.png', 1280], ['dashboard-narrow.png', 420]] as const) {
      const { page, errors } = await load(partialFleetContext(), width);
      expect(await page.locator('#status tbody tr').count()).toBe(9);
      expect(await page.getByRole('alert').filter({ hasText: 'Disk budget exceeded' }).count()).toBe(1);
      const shot = join(scratch, name);
      await page.screenshot({ path: shot, fullPage: true });
      await page.close();
      expect(errors).toEqual([]);
      expect((await stat(shot)).size).toBeGreaterThan(20_000);
      await copyFile(shot, DOCS(name));
    }
  });
});
