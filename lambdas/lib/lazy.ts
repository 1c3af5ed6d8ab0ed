/** A value created on first use and reused by later invocations; a failed creation is retried. */
export function lazy<T>(create: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= create().catch((err: unknown) => {
      value = undefined;
      throw err;
    });
    return value;
  };
}
