import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthSpec } from './config/index.js';
import { pollHealth } from './health.js';

/** Each path answers from its own script of [status, body] pairs; the last one repeats. */
const scripts: Record<string, [number, string][]> = {
  '/flaky/': [[503, 'starting'], [503, 'starting'], [200, 'ok']],
  '/login/': [[302, '']],
  '/fallback/': [[200, '<h1>404 page not found</h1>']],
  '/down/': [[503, 'Service Unavailable']],
};
const hits: Record<string, number> = {};

let server: Server;
let base: string;
let closedPort: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/hang/') return; // never answers
    const n = (hits[path] = (hits[path] ?? 0) + 1);
    const script = scripts[path] ?? [[404, 'nope']];
    const [status, body] = script[Math.min(n, script.length) - 1] ?? [500, ''];
    res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:1/login' } : {}).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const spec = (path: string, extra: Partial<HealthSpec> = {}): HealthSpec => ({
  url: `${base}${path}`,
  expectStatus: [200, 301, 302],
  rejectBodyPattern: '404 page not found',
  timeoutSeconds: 3,
  intervalSeconds: 0.05,
  ...extra,
});

describe('pollHealth', () => {
  it('keeps polling until an expected status arrives', async () => {
    const result = await pollHealth(spec('/flaky/'));
    expect(result).toEqual({ healthy: true, lastStatus: 200, attempts: 3, reason: null });
  });

  it('judges a redirect by its own status instead of following it', async () => {
    expect(await pollHealth(spec('/login/'))).toMatchObject({ healthy: true, lastStatus: 302, attempts: 1 });
  });

  it('treats a body matching rejectBodyPattern as unhealthy', async () => {
    const result = await pollHealth(spec('/fallback/', { timeoutSeconds: 0.6 }));
    expect(result.healthy).toBe(false);
    expect(result.lastStatus).toBe(200);
    expect(result.reason).toMatch(/body matches rejectBodyPattern/);
  });

  it('gives up after timeoutSeconds and says what it saw last', async () => {
    const started = performance.now();
    const result = await pollHealth(spec('/down/', { timeoutSeconds: 0.5, intervalSeconds: 0.1 }));
    expect(performance.now() - started).toBeLessThan(1500);
    expect(result.healthy).toBe(false);
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    expect(result.reason).toMatch(/not healthy after 0.5 s and \d+ attempts \(last: status 503, expected one of 200, 301, 302\)/);
  });

  it('does not let a server that never answers outlast the timeout', async () => {
    const started = performance.now();
    const result = await pollHealth(spec('/hang/', { timeoutSeconds: 0.6 }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ healthy: false, lastStatus: null });
    expect(result.reason).toContain('no answer in time');
  });

  it('reports a refused connection and stops at once when interrupted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const result = await pollHealth(
      { ...spec('/'), url: `http://127.0.0.1:${closedPort}/`, timeoutSeconds: 30, intervalSeconds: 0.05 },
      // Interrupted after the second refused attempt, while waiting for the third.
      { signal: controller.signal, onAttempt: (line) => line.includes('attempt 2') && controller.abort() },
    );
    expect(performance.now() - started).toBeLessThan(1500);
    expect(result.healthy).toBe(false);
    expect(result.reason).toBe('interrupted after 2 attempts (last: ECONNREFUSED)');
  });

  // Past one Node timer (2^31-1 ms, ~24.8 days) a plain sleep fires at once: a poll storm.
  it('waits a whole intervalSeconds of 2,200,000 s between attempts instead of none at all', async () => {
    const result = await pollHealth(spec('/down/', { timeoutSeconds: 2_500_000, intervalSeconds: 2_200_000 }), {
      signal: AbortSignal.timeout(800),
    });
    expect(result.attempts).toBe(1);
    expect(result.reason).toBe('interrupted after 1 attempts (last: status 503, expected one of 200, 301, 302)');
  });
});
