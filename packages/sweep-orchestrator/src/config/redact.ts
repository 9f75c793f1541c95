/** The secret stays readable by code but prints as "***" through JSON.stringify and util.inspect. */
export function redacting<T extends object>(value: T, key: keyof T & string): T {
  const shown = () => ({ ...value, [key]: value[key] === null ? null : '***' });
  Object.defineProperty(value, 'toJSON', { value: shown, enumerable: false });
  Object.defineProperty(value, Symbol.for('nodejs.util.inspect.custom'), { value: shown, enumerable: false });
  return value;
}
