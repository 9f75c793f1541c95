import { RegistryError } from '../errors.js';
import { historyEventSchema, type HistoryEvent } from '../records/history.js';
import { zodIssues } from './parse-record.js';

/**
 * Parses history.jsonl. A final line without its newline is a write a crash cut short and is
 * not an event; any other bad line makes the whole file a typed error listing every bad line.
 */
export function readHistoryText(text: string, path: string): HistoryEvent[] {
  const lines = text.split('\n');
  lines.pop();
  const events: HistoryEvent[] = [];
  const issues: { path: string; message: string }[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      issues.push({ path: `line ${index + 1}`, message: (error as Error).message });
      return;
    }
    const result = historyEventSchema.safeParse(value);
    if (result.success) events.push(result.data);
    else
      issues.push(
        ...zodIssues(result.error).map((i) => ({
          path: `line ${index + 1} ${i.path}`,
          message: i.message,
        })),
      );
  });
  if (issues.length > 0) {
    throw new RegistryError('CORRUPT_RECORD', {
      path,
      issues,
      detail:
        `Expected every line of ${path} to be a history event: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}; ` +
        'the file was left untouched: repair or remove those lines.',
    });
  }
  return events;
}
