/** Waits out a 429: the seconds of its `Retry-After`, which must be there. */
export function waitOut(retryAfter: string | null): Promise<void> {
  const seconds = Number(retryAfter);
  if (!(seconds > 0)) throw new Error(`no usable Retry-After on the 429: ${retryAfter}`);
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}
