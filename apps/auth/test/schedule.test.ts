import Fastify from 'fastify';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { runPeriodically } from '../src/housekeeping/schedule.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function appLoggingTo(lines: Array<{ msg: string; err?: { message: string } }>) {
  return Fastify({
    logger: { level: 'error', stream: { write: (line: string) => lines.push(JSON.parse(line)) } },
  });
}

it('runs the task every interval, logs a failure and carries on, and stops when the app closes', async () => {
  const lines: Array<{ msg: string; err?: { message: string } }> = [];
  const app = appLoggingTo(lines);
  const task = vi.fn().mockRejectedValueOnce(new Error('database away')).mockResolvedValue(undefined);
  runPeriodically(app, { intervalSeconds: 10, failure: 'sweeping failed' }, task);

  await vi.advanceTimersByTimeAsync(9_999);
  expect(task).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(1);
  expect(task).toHaveBeenCalledTimes(1);
  expect(lines).toEqual([
    expect.objectContaining({
      msg: 'sweeping failed',
      err: expect.objectContaining({ message: 'database away' }),
    }),
  ]);
  await vi.advanceTimersByTimeAsync(10_000);
  expect(task).toHaveBeenCalledTimes(2);

  await app.close();
  await vi.advanceTimersByTimeAsync(30_000);
  expect(task).toHaveBeenCalledTimes(2);
});

it('skips a run while the previous one is still going', async () => {
  const app = appLoggingTo([]);
  let finish = () => {};
  const task = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
  runPeriodically(app, { intervalSeconds: 1, failure: 'failed' }, task);

  await vi.advanceTimersByTimeAsync(5_000);
  expect(task).toHaveBeenCalledTimes(1);
  finish();
  await vi.advanceTimersByTimeAsync(1_000);
  expect(task).toHaveBeenCalledTimes(2);
  await app.close();
});
