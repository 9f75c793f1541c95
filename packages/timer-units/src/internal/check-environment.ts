import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { UnitProblem } from '../problems.js';
import { parseEnvironment, splitWords, values, type UnitFile } from './unit-syntax.js';

// Where systemd puts a unit's credentials: $CREDENTIALS_DIRECTORY (`%d`) of <unit>.
const CREDENTIALS_ROOT = '/run/credentials';

/**
 * Every environment variable the config reads (forge.tokenEnv, passEnv) must be set by
 * the unit: Environment=, or an EnvironmentFile= that sets it. A file canon cannot read
 * here (root-only, as secrets should be) counts as setting whatever it may hold, with a note.
 */
export function checkEnvironment(
  service: UnitFile,
  file: string,
  wanted: readonly string[],
  problems: UnitProblem[],
  notes: string[],
): void {
  if (wanted.length === 0) return;
  const set = new Set(parseEnvironment(values(service, 'Service', 'Environment')).keys());
  let unreadable: string | null = null;
  for (const entry of values(service, 'Service', 'EnvironmentFile')) {
    const optional = entry.startsWith('-');
    const envFile = entry.replace(/^-/, '');
    try {
      for (const name of parseEnvironmentFile(readFileSync(envFile, 'utf8'))) set.add(name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && optional) continue;
      if (code === 'ENOENT') {
        problems.push({
          code: 'MISSING_ENVIRONMENT',
          message: `${file}: EnvironmentFile=${envFile} does not exist, so the service would not start; create it or prefix it with "-"`,
        });
        continue;
      }
      unreadable ??= envFile;
    }
  }
  for (const name of new Set(wanted)) {
    if (set.has(name)) continue;
    if (unreadable !== null) {
      notes.push(`${name} may come from ${unreadable}, which cannot be read here: not checked`);
      continue;
    }
    problems.push({
      code: 'MISSING_ENVIRONMENT',
      message: `${file}: the config reads the environment variable ${name}, which the unit does not set, so the sweep would fail "${name} is unset"; add Environment=${name}=… or an EnvironmentFile= that sets it (for a secret, prefer a credential: LoadCredential= and forge.tokenFile)`,
    });
  }
}

/**
 * Every secret file the config reads from the unit's credentials directory
 * (/run/credentials/<unit>/NAME, i.e. `%d/NAME`) must be a credential the unit loads:
 * LoadCredential=NAME:… or SetCredential=NAME:… (or the encrypted forms).
 */
export function checkCredentials(
  service: UnitFile,
  file: string,
  unitName: string,
  secretFiles: readonly string[],
  problems: UnitProblem[],
): void {
  const credentials = new Set(
    [
      'LoadCredential',
      'LoadCredentialEncrypted',
      'SetCredential',
      'SetCredentialEncrypted',
    ].flatMap((key) => values(service, 'Service', key).map((v) => v.split(':')[0] ?? '')),
  );
  for (const secretFile of secretFiles) {
    const relative = path.relative(CREDENTIALS_ROOT, secretFile);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    const [owner, name, ...rest] = relative.split(path.sep);
    if (owner === unitName && name !== undefined && rest.length === 0 && credentials.has(name))
      continue;
    problems.push({
      code: 'MISSING_CREDENTIAL',
      message:
        owner === unitName && name !== undefined && rest.length === 0
          ? `${file}: the config reads ${secretFile}, but the unit loads no credential "${name}"; add LoadCredential=${name}:/path/to/the/secret`
          : `${file}: the config reads ${secretFile}, which is not in this unit's credentials directory ${CREDENTIALS_ROOT}/${unitName}/; point the config at %d/NAME of ${unitName}`,
    });
  }
}

/** The names an EnvironmentFile= sets: `KEY=VALUE` lines, `export` allowed, comments skipped. */
function parseEnvironmentFile(text: string): string[] {
  const names: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const word = splitWords(line)[0] ?? '';
    const eq = word.indexOf('=');
    if (eq > 0) names.push(word.slice(0, eq));
  }
  return names;
}
