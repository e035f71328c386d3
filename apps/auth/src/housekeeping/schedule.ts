import type { FastifyInstance } from 'fastify';

/**
 * Runs `task` every `intervalSeconds` while the app is up. A failure is logged as `failure` and the
 * next run comes as usual; a run still going when the next is due makes that one skip. Tasks must
 * be safe to run on every replica at once.
 */
export function runPeriodically(
  app: FastifyInstance,
  { intervalSeconds, failure }: { intervalSeconds: number; failure: string },
  task: () => Promise<void>,
): void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await task();
    } catch (error) {
      app.log.error({ err: error }, failure);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(run, intervalSeconds * 1000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
