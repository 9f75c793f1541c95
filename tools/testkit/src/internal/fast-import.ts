import { readFile, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from './git.js';

export type ImportFile = string | null | { content: string; executable: true };

export type ImportItem =
  | {
      kind: 'commit';
      ref: string;
      mark: number;
      /** Commit-ish expressions (`:<mark>`, oids, `main~1`); the first is the tree's base. */
      parents: readonly string[];
      files: Record<string, ImportFile>;
      message: string;
      when: string;
    }
  | { kind: 'tag'; name: string; from: string; message: string; when: string }
  | { kind: 'reset'; ref: string; from: string };

const IDENT = 'Canon Fixture <fixture@canon.invalid>';

function data(text: string): string {
  return `data ${String(Buffer.byteLength(text, 'utf8'))}\n${text}\n`;
}

function line(value: string): string {
  if (/[\n\r]/.test(value))
    throw new Error(`fixture names must not contain line breaks: ${JSON.stringify(value)}`);
  return value;
}

function render(items: readonly ImportItem[]): string {
  let out = '';
  for (const item of items) {
    if (item.kind === 'reset') {
      out += `reset ${line(item.ref)}\nfrom ${line(item.from)}\n\n`;
    } else if (item.kind === 'tag') {
      out += `tag ${line(item.name)}\nfrom ${line(item.from)}\ntagger ${IDENT} ${item.when}\n${data(item.message)}`;
    } else {
      out += `commit ${line(item.ref)}\nmark :${String(item.mark)}\ncommitter ${IDENT} ${item.when}\n${data(item.message)}`;
      item.parents.forEach((parent, i) => {
        out += `${i === 0 ? 'from' : 'merge'} ${line(parent)}\n`;
      });
      for (const [path, content] of Object.entries(item.files)) {
        if (content === null) out += `D ${line(path)}\n`;
        else if (typeof content === 'string')
          out += `M 100644 inline ${line(path)}\n${data(content)}`;
        else out += `M 100755 inline ${line(path)}\n${data(content.content)}`;
      }
      out += '\n';
    }
  }
  return `${out}done\n`;
}

export function gitTime(date?: Date | string): string {
  if (typeof date === 'string') return date;
  return `${String(Math.floor((date ?? new Date()).getTime() / 1000))} +0000`;
}

/**
 * Writes commits and tags into a repository with one `git fast-import` process (instead
 * of a dozen plumbing calls per commit); returns commit mark → oid.
 */
export async function fastImport(
  gitDir: string,
  items: readonly ImportItem[],
): Promise<Map<number, string>> {
  const marksFile = join(tmpdir(), `canon-testkit-marks-${randomUUID()}`);
  try {
    await runGit(
      [
        '--git-dir',
        gitDir,
        'fast-import',
        '--quiet',
        '--force',
        '--done',
        `--export-marks=${marksFile}`,
      ],
      { input: render(items) },
    );
    const marks = new Map<number, string>();
    for (const entry of (await readFile(marksFile, 'utf8')).split('\n')) {
      const match = /^:(\d+) ([0-9a-f]+)$/.exec(entry);
      if (match?.[1] && match[2]) marks.set(Number(match[1]), match[2]);
    }
    return marks;
  } finally {
    await rm(marksFile, { force: true });
  }
}
