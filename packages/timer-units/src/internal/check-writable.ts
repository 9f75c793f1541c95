import path from 'node:path';
import type { UnitProblem } from '../problems.js';
import { lastValue, splitWords, values, type UnitFile } from './unit-syntax.js';

type Rule = { dir: string; writable: boolean; why: string };

// systemd.exec(5), ProtectSystem=: what each level mounts read-only.
const PROTECTED: Record<string, readonly string[]> = {
  true: ['/usr', '/boot', '/efi'],
  yes: ['/usr', '/boot', '/efi'],
  full: ['/usr', '/boot', '/efi', '/etc'],
  strict: ['/'],
};
// With strict, the API file systems stay writable.
const STRICT_EXCEPTIONS = ['/dev', '/proc', '/sys'];

/**
 * Each path canon or a command must write (stateDir, workDir, registryDir, the checkout
 * and log directories) must stay writable under the unit's hardening. systemd applies the
 * deepest matching mount last, so the most specific rule for a path decides.
 */
export function checkWritablePaths(
  service: UnitFile,
  file: string,
  writePaths: readonly string[],
  problems: UnitProblem[],
): void {
  const rules = hardeningRules(service);
  for (const wanted of new Set(writePaths.map((p) => path.resolve(p)))) {
    const rule = rules
      .filter((r) => wanted === r.dir || wanted.startsWith(r.dir === '/' ? '/' : `${r.dir}/`))
      .sort((a, b) => a.dir.length - b.dir.length)
      .at(-1);
    if (rule === undefined || rule.writable) continue;
    problems.push({
      code: 'READ_ONLY_PATH',
      message: `${file}: canon must write ${wanted}, but ${rule.why} makes ${rule.dir} read-only; move the path (e.g. under /var/lib), or add ReadWritePaths=${wanted}`,
    });
  }
}

function hardeningRules(service: UnitFile): Rule[] {
  const rules: Rule[] = [];
  const level = lastValue(service, 'Service', 'ProtectSystem')?.toLowerCase() ?? 'no';
  for (const dir of PROTECTED[level] ?? [])
    rules.push({ dir, writable: false, why: `ProtectSystem=${level}` });
  if (level === 'strict')
    for (const dir of STRICT_EXCEPTIONS)
      rules.push({ dir, writable: true, why: 'an API file system' });
  for (const dir of pathList(service, 'ReadOnlyPaths'))
    rules.push({ dir, writable: false, why: `ReadOnlyPaths=${dir}` });
  for (const dir of pathList(service, 'ReadWritePaths'))
    rules.push({ dir, writable: true, why: `ReadWritePaths=${dir}` });
  for (const [key, root] of [
    ['StateDirectory', '/var/lib'],
    ['CacheDirectory', '/var/cache'],
    ['LogsDirectory', '/var/log'],
    ['RuntimeDirectory', '/run'],
  ] as const) {
    for (const name of pathList(service, key))
      rules.push({ dir: path.join(root, name.split(':')[0] ?? name), writable: true, why: key });
  }
  return rules;
}

function pathList(service: UnitFile, key: string): string[] {
  return values(service, 'Service', key)
    .flatMap((v) => splitWords(v))
    .map((w) => w.replace(/^[-+]+/, ''))
    .filter((w) => w !== '')
    .map((w) => (path.isAbsolute(w) ? path.resolve(w) : w));
}
