import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** Responses other than 2xx, and responses whose body was not the expected one. */
  failures: number;
  errors: number;
  statusCodes: Record<string, number>;
}

export interface LoadOptions {
  url: string;
  seconds: number;
  connections?: number;
  /** Requests per second over all connections; unset: as fast as the server answers. */
  rate?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Every response must be this body, or it counts as a failure. */
  expectBody?: string;
}

/** Drives one endpoint with autocannon for a bounded time and summarises what it saw. */
export async function drive(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 50,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body ? { body: options.body } : {}),
    ...(options.expectBody ? { expectBody: options.expectBody } : {}),
    timeout: 10,
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = count ?? 0;
  return {
    requests: result.requests.total,
    rps: result.requests.total / options.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + (result.mismatches ?? 0),
    errors: result.errors + result.timeouts,
    statusCodes,
  };
}

/** A short run whose figures are thrown away: the JIT warms up and pools fill. */
export async function warmUp(options: LoadOptions, seconds: number): Promise<void> {
  if (seconds > 0) await drive({ ...options, seconds });
}

/**
 * For requests that depend on the answer to the previous one, which autocannon cannot express:
 * a refresh token is single use, so each of `chains` connections carries its own token forward.
 * Closed loop, like autocannon without a rate: each chain sends its next request on an answer.
 */
export async function driveChains<T>(options: {
  seconds: number;
  chains: T[];
  step: (state: T) => Promise<{ status: number; next: T }>;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  const began = performance.now();
  const end = began + options.seconds * 1000;
  await Promise.all(
    options.chains.map(async (initial, i) => {
      let state = initial;
      while (performance.now() < end) {
        const sent = performance.now();
        try {
          const { status, next } = await options.step(state);
          latencies.push(performance.now() - sent);
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status !== 200) return; // the chain is broken: its token is gone
          state = next;
          options.chains[i] = next; // where the next run picks up
        } catch {
          errors++;
          return;
        }
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  const failures = latencies.length - (statusCodes[200] ?? 0);
  return {
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: Math.round(percentile(latencies, 50)),
    p99: Math.round(percentile(latencies, 99)),
    failures,
    errors,
    statusCodes,
  };
}
