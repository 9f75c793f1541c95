import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDeliveryLog } from './deliveries.js';
import { openPendingSet } from './pending.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function stateDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'canon-pending-'));
  dirs.push(d);
  return d;
}
const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 21, 0, s));

describe('the pending set', () => {
  it('survives a restart: a new listener reads the same recipes and sweep times', async () => {
    const dir = await stateDir();
    const first = await openPendingSet(dir);
    await first.add(['alpha', 'beta'], at(0));
    await first.add(['alpha'], at(5));
    await first.recordSweep(at(6));
    const again = await openPendingSet(dir);
    expect(again.snapshot()).toEqual({
      schema: 1,
      recipes: {
        alpha: { since: at(0).toISOString(), last: at(5).toISOString(), events: 2 },
        beta: { since: at(0).toISOString(), last: at(0).toISOString(), events: 1 },
      },
      sweeps: [at(6).toISOString()],
    });
    expect(JSON.parse(await readFile(join(dir, 'listen', 'pending.json'), 'utf8'))).toEqual(again.snapshot());
  });

  it('settle: swept recipes leave, unless an event came after the sweep started; others stay', async () => {
    const p = await openPendingSet(await stateDir());
    await p.add(['alpha', 'beta', 'gamma'], at(0));
    await p.add(['beta'], at(20));
    await p.settle(['alpha', 'beta'], at(10));
    expect(p.snapshot().recipes).toEqual({
      beta: { since: at(10).toISOString(), last: at(20).toISOString(), events: 2 },
      gamma: { since: at(0).toISOString(), last: at(0).toISOString(), events: 1 },
    });
  });

  it('a file that is not its JSON is an error naming the path, and is left alone', async () => {
    const dir = await stateDir();
    const file = join(dir, 'listen', 'pending.json');
    await (await openPendingSet(dir)).add(['alpha']);
    await writeFile(file, '{"schema": 2}');
    await expect(openPendingSet(dir)).rejects.toMatchObject({ code: 'STATE_UNREADABLE', data: { path: file } });
    expect(await readFile(file, 'utf8')).toBe('{"schema": 2}');
  });
});

describe('the delivery log', () => {
  it('remembers ids and bodies across a restart, the last 1000 only', async () => {
    const dir = await stateDir();
    const log = await openDeliveryLog(dir);
    await log.record('d-1', Buffer.from('body-1'));
    const again = await openDeliveryLog(dir);
    expect(again.seen('d-1', Buffer.from('other'))).toBe(true);
    expect(again.seen('d-2', Buffer.from('body-1'))).toBe(true);
    expect(again.seen('d-2', Buffer.from('body-2'))).toBe(false);
    for (let i = 0; i < 501; i++) await again.record(`n-${i}`, Buffer.from(`b-${i}`));
    expect(again.seen('d-1', Buffer.from('x'))).toBe(false);
    const kept = JSON.parse(await readFile(again.path, 'utf8')) as { seen: unknown[] };
    expect(kept.seen).toHaveLength(1000);
  });
});
