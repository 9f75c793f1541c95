// How the demo talks: headings and short indented lines, coloured only on a terminal.

export type Ui = {
  step(title: string): void;
  line(text: string): void;
  good(text: string): void;
  bad(text: string): void;
  dim(text: string): string;
};

export function createUi(write: (text: string) => void, color: boolean): Ui {
  const paint = (code: string, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    step: (title) => write(`\n${paint('1;36', '▸')} ${paint('1', title)}\n`),
    line: (text) => write(`  ${text}\n`),
    good: (text) => write(`  ${paint('32', '✓')} ${text}\n`),
    bad: (text) => write(`  ${paint('31', '✗')} ${text}\n`),
    dim: (text) => paint('2', text),
  };
}
