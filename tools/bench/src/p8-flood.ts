// P8's load: requests `canon listen` must turn away, sent as fast as 16 keep-alive
// connections allow, and the listener's resident memory read from /proc while they run.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request, type OutgoingHttpHeaders } from 'node:http';
import { giteaHeaders, giteaTagPayload, type WebhookRepository } from '@canon/testkit';

/** What each rejected request is, and the status `canon listen` must answer it with. */
export const REJECTED_KINDS = {
  'bad signature': 401,
  'no signature': 401,
  'not enrolled': 204,
  'oversized, declared length': 413,
  'oversized, chunked': 413,
  'wrong path': 404,
  'wrong method': 405,
} as const;

export type RejectedKind = keyof typeof REJECTED_KINDS;

const BODY_LIMIT = 1 << 20;
const CHUNK = Buffer.alloc(64 * 1024, 0x7b);

type Shot = { method: string; path: string; headers: OutgoingHttpHeaders; body: Buffer | 'declared-oversize' | 'chunked-oversize' | null };

export type FloodTarget = {
  url: string;
  hookPath: string;
  secret: string;
  /** A repository the listener has no recipe for. */
  stranger: WebhookRepository;
  /** An enrolled recipe's repository: forged deliveries name it. */
  enrolled: WebhookRepository;
};

function shots(t: FloodTarget): Record<RejectedKind, Shot> {
  const forged = giteaTagPayload('create', '99.0.0+9.9.9', t.enrolled);
  const stranger = giteaTagPayload('create', '1.0.0', t.stranger);
  const signed = (body: string, secret: string): OutgoingHttpHeaders => giteaHeaders('create', randomUUID(), body, secret);
  const unsigned = Object.fromEntries(Object.entries(signed(forged, t.secret)).filter(([name]) => !/signature/i.test(name)));
  return {
    'bad signature': { method: 'POST', path: t.hookPath, headers: signed(forged, `not-${t.secret}`), body: Buffer.from(forged) },
    'no signature': { method: 'POST', path: t.hookPath, headers: unsigned, body: Buffer.from(forged) },
    'not enrolled': { method: 'POST', path: t.hookPath, headers: signed(stranger, t.secret), body: Buffer.from(stranger) },
    'oversized, declared length': { method: 'POST', path: t.hookPath, headers: { ...unsigned, 'content-length': String(BODY_LIMIT + 1) }, body: 'declared-oversize' },
    'oversized, chunked': { method: 'POST', path: t.hookPath, headers: unsigned, body: 'chunked-oversize' },
    'wrong path': { method: 'POST', path: `${t.hookPath}-elsewhere`, headers: signed(forged, t.secret), body: Buffer.from(forged) },
    'wrong method': { method: 'GET', path: t.hookPath, headers: {}, body: null },
  };
}

/** One request; resolves with the status once the answer is in (an early 413 ends the upload). */
function shoot(url: string, shot: Shot, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    let status: number | null = null;
    const req = request(`${url}${shot.path}`, { method: shot.method, headers: shot.headers, agent }, (res) => {
      status = res.statusCode ?? 0;
      if (typeof shot.body === 'string') {
        // The listener drops the connection after a 413: there is nothing left to read or send.
        req.destroy();
        resolve(status);
        return;
      }
      res.resume();
      res.once('end', () => resolve(status ?? 0));
      res.once('error', reject);
    });
    // A reset after the answer is the listener closing; one before it lost the answer.
    req.on('error', (error) => {
      if (status === null) reject(error);
    });
    if (shot.body === 'declared-oversize') {
      req.flushHeaders();
    } else if (shot.body === 'chunked-oversize') {
      // 64 KiB at a time, honouring back-pressure, until the listener answers or the limit is well past.
      let sent = 0;
      const more = (): void => {
        while (status === null && !req.destroyed && sent <= BODY_LIMIT + CHUNK.length) {
          sent += CHUNK.length;
          if (!req.write(CHUNK)) {
            req.once('drain', more);
            return;
          }
        }
        if (status === null && !req.destroyed) req.end();
      };
      more();
    } else {
      req.end(shot.body ?? undefined);
    }
  });
}

/**
 * The baseline for the flood, run with `node -e`: node:http alone, reading and dropping each
 * body up to the same limit and answering by size, path and method only (no signature, no JSON).
 */
export const PLAIN_SERVER = `
const { createServer } = require('node:http');
const LIMIT = ${String(BODY_LIMIT)};
const hook = process.argv[1];
const server = createServer((req, res) => {
  const answer = (status) => { if (!res.headersSent) { res.writeHead(status, { 'content-length': 0 }); res.end(); } };
  if (req.url !== hook) { req.resume(); return answer(404); }
  if (req.method !== 'POST') { req.resume(); return answer(405); }
  if (Number(req.headers['content-length']) > LIMIT) { req.resume(); return answer(413); }
  let size = 0;
  req.on('data', (chunk) => { size += chunk.length; if (size > LIMIT) answer(413); });
  req.on('end', () => answer(401));
});
server.listen(0, '127.0.0.1', () => process.stderr.write('listening on http://127.0.0.1:' + server.address().port + '\\n'));
`;

export type Memory = { rssMb: number; peakMb: number };

/** VmRSS and VmHWM (the peak) of a live process, from /proc/<pid>/status. */
export async function readMemory(pid: number): Promise<Memory> {
  const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!m?.[1]) throw new Error(`/proc/${String(pid)}/status has no ${field} line`);
    return Number(m[1]);
  };
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

export type FloodResult = {
  requests: number;
  inFlight: number;
  seconds: number;
  perSecond: number;
  statuses: Record<RejectedKind, Record<string, number>>;
  /** The listener's memory every `every` answered requests. */
  checkpoints: { requests: number; rssMb: number }[];
};

/**
 * `count` requests, the kinds in turn, `inFlight` at a time over one keep-alive agent. Fails
 * when any kind gets another status than the one it must (unless `checkStatuses` is false, for
 * the baseline): then nothing was measured.
 */
export async function flood(t: FloodTarget, opts: { count: number; inFlight: number; pid: number; every: number; checkStatuses?: boolean }): Promise<FloodResult> {
  const kinds = Object.keys(REJECTED_KINDS) as RejectedKind[];
  const table = shots(t);
  const statuses = Object.fromEntries(kinds.map((k) => [k, {}])) as Record<RejectedKind, Record<string, number>>;
  const checkpoints: { requests: number; rssMb: number }[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: opts.inFlight });
  let next = 0;
  let answered = 0;
  const worker = async (): Promise<void> => {
    while (next < opts.count) {
      const kind = kinds[next % kinds.length] as RejectedKind;
      next += 1;
      const status = String(await shoot(t.url, table[kind], agent));
      statuses[kind][status] = (statuses[kind][status] ?? 0) + 1;
      answered += 1;
      if (answered % opts.every === 0) checkpoints.push({ requests: answered, rssMb: (await readMemory(opts.pid)).rssMb });
    }
  };
  const t0 = performance.now();
  try {
    await Promise.all(Array.from({ length: opts.inFlight }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - t0) / 1000;
  for (const kind of opts.checkStatuses === false ? [] : kinds) {
    const wrong = Object.keys(statuses[kind]).filter((s) => s !== String(REJECTED_KINDS[kind]));
    if (wrong.length > 0) throw new Error(`P8 flood: ${kind} must answer ${String(REJECTED_KINDS[kind])}, got ${JSON.stringify(statuses[kind])}`);
  }
  return { requests: opts.count, inFlight: opts.inFlight, seconds, perSecond: opts.count / seconds, statuses, checkpoints };
}
