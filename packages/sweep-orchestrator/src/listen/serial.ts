/** Runs the given async steps one after another, in call order, whatever each one's outcome. */
export function createSerial(): <T>(step: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(step: () => Promise<T>): Promise<T> => {
    const next = tail.then(step);
    tail = next.catch(() => undefined);
    return next;
  };
}
