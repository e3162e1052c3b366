/** Runs `work` over `items` with at most `concurrency` calls in flight (DynamoDB round trips overlap). */
export async function inParallel<T>(
  items: readonly T[],
  work: (item: T) => Promise<unknown>,
  concurrency = 8,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
