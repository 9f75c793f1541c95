/**
 * A tiny concurrency limiter: at most `size` tasks run at once, in submission order.
 * Ref listings use a wide one (network-bound), tests and promotes use `concurrency`.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(size: number): Limiter {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`limiter size must be a positive integer, got ${size}`);
  let running = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    if (running >= size) return;
    const start = queue.shift();
    if (start !== undefined) start();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        running += 1;
        task()
          .then(resolve, reject)
          .finally(() => {
            running -= 1;
            next();
          });
      });
      next();
    });
}
