/**
 * Sends `send()` at a fixed rate for `seconds`, whether or not earlier requests have been answered
 * (an open loop, as independent clients behave), and counts the answers by what `send` returns.
 */
export async function openLoop(options: {
  rate: number;
  seconds: number;
  send: (elapsedMs: number) => Promise<string>;
}): Promise<{ sent: number; outcomes: Record<string, number>; errors: string[] }> {
  const { rate, seconds, send } = options;
  const outcomes: Record<string, number> = {};
  const errors: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const began = performance.now();
  let sent = 0;
  while (performance.now() - began < seconds * 1000) {
    const due = began + (sent * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const request = send(performance.now() - began).then(
      (outcome) => {
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      },
      (error: unknown) => {
        errors.push(String(error));
      },
    );
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
    sent++;
  }
  await Promise.all(inFlight);
  return { sent, outcomes, errors };
}
