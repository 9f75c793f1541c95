/** A title suffix that says why a test is skipped, shown only when the tool is missing. */
export function unless(tool: string | null, reason: string): string {
  return tool === null ? ` (skipped: ${reason})` : '';
}
