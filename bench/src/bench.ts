import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { type Anchors, startAnchors } from './anchors.js';
import {
  type Connection,
  callTool,
  connectClient,
  createPersonalAccessToken,
  dashboard,
  refreshBody,
  revokeGrant,
  setMcpEnabled,
  toolCall,
} from './clients.js';
import { post } from './http.js';
import { drive, driveChains, type LoadResult, warmUp } from './load.js';
import { type Product, startProduct } from './product.js';
import { median, percentile } from './stats.js';
import { printTable, type Row } from './table.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    samples: { type: 'string', default: '20' },
    out: { type: 'string', default: new URL('../results.json', import.meta.url).pathname },
  },
});
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const SAMPLES = Number(values.samples);
/** (1), (2) and (3) take turns in this many slices each. */
const TURNS = 5;

async function main() {
  const product = await startProduct({ REGISTER_RATE_LIMIT: '1000000' });
  const anchors = await startAnchors(CONNECTIONS, product.core).catch(async (error) => {
    await product.stop();
    throw error;
  });
  try {
    const results = await measure(product, anchors);
    writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
    printTable(rows(results));
    console.log(`\nWritten to ${values.out}`);
  } catch (error) {
    console.error(product.stderr());
    throw error;
  } finally {
    await anchors.stop();
    await product.stop();
  }
}

async function measure(product: Product, anchors: Anchors) {
  const idle = product.memory();
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const client = await connectClient(product, email);
  // A few enclaves to list, settled, so every answer to enclave_list is the same.
  for (const name of ['web', 'worker', 'cron']) {
    const created = await callTool(product, client.accessToken, 'enclave_create', {
      image: 'ghcr.io/acme/api:1.4.2',
      name,
    });
    if (created.status !== 200) throw new Error(`enclave_create: ${created.status}`);
  }
  await untilAllRunning(product, client.accessToken);
  const session = await dashboard(product, email);
  const personalAccessToken = await createPersonalAccessToken(session);

  const [hello, baseline, jwtCall, patCall] = await saturateInTurns(product, [
    { url: anchors.helloUrl, cpuMs: anchors.cpuMs },
    { url: product.healthz },
    await toolCallLoad(product, client.accessToken),
    await toolCallLoad(product, personalAccessToken),
  ]);
  const [refresh, stockRefresh] = await saturateRefreshInTurns(product, anchors, email);
  const { connections, connectMs } = await fullConnections(product);
  const policyMs = await policyPropagation(product, connections);
  const revocationMs = await revocationPropagation(product, connections);
  const after = product.memory();

  return {
    measuredAt: new Date().toISOString(),
    machine: { node: process.version, cpus: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown' },
    database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    load: { seconds: SECONDS, warmupSeconds: WARMUP, connections: CONNECTIONS, samples: SAMPLES },
    hello,
    baseline,
    jwtToolCall: { ...jwtCall, ratio: jwtCall.rps / baseline.rps, perCoreOfHello: perCore(jwtCall, hello) },
    personalAccessTokenToolCall: {
      ...patCall,
      ratio: patCall.rps / baseline.rps,
      perCoreOfHello: perCore(patCall, hello),
    },
    stockRefresh,
    refresh: { ...refresh, perCoreOfStock: perCore(refresh, stockRefresh) },
    fullConnectionMs: { median: median(connectMs), p90: percentile(connectMs, 90), samples: connectMs },
    revocationMs: {
      p50: percentile(revocationMs, 50),
      p99: percentile(revocationMs, 99),
      samples: revocationMs,
    },
    policyMs: { p50: percentile(policyMs, 50), p99: percentile(policyMs, 99), samples: policyMs },
    startup: {
      ms: product.startMs,
      firstMs: product.firstStartMs,
      rssMb: idle.rssMb,
      rssAfterBenchMb: after.rssMb,
      peakRssMb: after.peakRssMb,
    },
  };
}

type Results = Awaited<ReturnType<typeof measure>>;

type DriveOptions = Omit<Parameters<typeof drive>[0], 'seconds' | 'connections'> & {
  /** Whose CPU serves it: the product's unless given (the anchors'). */
  cpuMs?: () => number;
};

/** Requests per core second of `row` as a share of its anchor's: the inverse ratio of CPU per request. */
function perCore(row: { cpuUsPerRequest: number }, anchor: { cpuUsPerRequest: number }): number {
  return anchor.cpuUsPerRequest / row.cpuUsPerRequest;
}

/**
 * Saturates each endpoint in turn, a slice of `SECONDS / TURNS` at a time, until each has had
 * `SECONDS`: the machine's speed drifts within seconds on a shared host, and taking turns gives
 * every endpoint the same moments, so a ratio between them measures the product, not the drift.
 * p99 is the worst slice's, p50 the median slice's.
 */
async function saturateInTurns<const E extends readonly DriveOptions[]>(
  product: Product,
  endpoints: E,
): Promise<{ [K in keyof E]: ReturnType<typeof combined> }> {
  for (const options of endpoints)
    await warmUp({ ...options, seconds: WARMUP, connections: CONNECTIONS }, WARMUP);
  const slices: Slice[][] = endpoints.map(() => []);
  for (let turn = 0; turn < TURNS; turn++) {
    for (const [i, options] of endpoints.entries()) {
      const slice = await withCpu(options.cpuMs ?? product.cpuMs, () =>
        drive({ ...options, seconds: SECONDS / TURNS, connections: CONNECTIONS }),
      );
      assertClean(options.url, slice);
      slices[i]!.push(slice);
    }
  }
  return slices.map(combined) as { [K in keyof E]: ReturnType<typeof combined> };
}

type Slice = LoadResult & { cpuUsPerRequest: number };

function combined(slices: Slice[]) {
  const sum = (f: (s: Slice) => number) => slices.reduce((total, s) => total + f(s), 0);
  const requests = sum((s) => s.requests);
  const statusCodes: Record<string, number> = {};
  for (const slice of slices)
    for (const [code, count] of Object.entries(slice.statusCodes))
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    requests,
    rps: requests / SECONDS,
    p50: median(slices.map((s) => s.p50)),
    p99: Math.max(...slices.map((s) => s.p99)),
    failures: sum((s) => s.failures),
    errors: sum((s) => s.errors),
    statusCodes,
    cpuUsPerRequest: sum((s) => s.cpuUsPerRequest * s.requests) / requests,
  };
}

/** The run's result with the product's CPU time per request: steadier than req/s on a shared machine. */
async function withCpu<T extends LoadResult>(cpuMs: () => number, run: () => Promise<T>) {
  const before = cpuMs();
  const result = await run();
  return { ...result, cpuUsPerRequest: ((cpuMs() - before) * 1000) / result.requests };
}

/** `tools/call enclave_list` with this token; every answer must equal the first. */
async function toolCallLoad(product: Product, token: string): Promise<DriveOptions> {
  const request = toolCall(token, 'enclave_list');
  const expected = await (await fetch(product.mcpUrl, request)).text();
  if (!expected.includes('"structuredContent"')) throw new Error(`enclave_list failed: ${expected}`);
  return { url: product.mcpUrl, ...request, expectBody: expected };
}

async function untilAllRunning(product: Product, token: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const listed = (await (await callTool(product, token, 'enclave_list')).json()) as {
      result: { structuredContent: { enclaves: Array<{ state: string }> } };
    };
    if (listed.result.structuredContent.enclaves.every((e) => e.state === 'running')) return;
    if (Date.now() > deadline) throw new Error('the enclaves did not start within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

type Chain = { clientId: string; refreshToken: string };

/**
 * Refresh-token grants, each connection carrying its own rotated refresh token forward: the
 * product's and stock oidc-provider's (in-memory adapter) in turns, as the tool calls take turns
 * with their anchors.
 */
async function saturateRefreshInTurns(product: Product, anchors: Anchors, email: string) {
  const productChains: Chain[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const { clientId, refreshToken } = await connectClient(product, email);
    productChains.push({ clientId, refreshToken });
  }
  const stockChains = anchors.refreshTokens.map((refreshToken) => ({
    clientId: anchors.clientId,
    refreshToken,
  }));
  const contenders = [
    { url: `${product.issuer}/token`, chains: productChains, cpuMs: product.cpuMs },
    { url: anchors.tokenUrl, chains: stockChains, cpuMs: anchors.cpuMs },
  ];
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const stepAt = (url: string) => async (chain: Chain) => {
    const answer = await post(url, form, refreshBody(chain.clientId, chain.refreshToken));
    const refreshToken =
      answer.status === 200 ? (JSON.parse(answer.body) as { refresh_token: string }).refresh_token : '';
    return { status: answer.status, next: { ...chain, refreshToken } };
  };
  for (const { url, chains } of contenders) {
    assertClean(`${url} (warm-up)`, await driveChains({ seconds: WARMUP, chains, step: stepAt(url) }));
  }
  const slices: Slice[][] = contenders.map(() => []);
  for (let turn = 0; turn < TURNS; turn++) {
    for (const [i, { url, chains, cpuMs }] of contenders.entries()) {
      const slice = await withCpu(cpuMs, () =>
        driveChains({ seconds: SECONDS / TURNS, chains, step: stepAt(url) }),
      );
      assertClean(url, slice);
      slices[i]!.push(slice);
    }
  }
  return slices.map(combined) as [ReturnType<typeof combined>, ReturnType<typeof combined>];
}

/** Registration → authorize → login → consent → token → first tool call, one at a time. */
async function fullConnections(product: Product) {
  const connections: Connection[] = [];
  const connectMs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const began = performance.now();
    const connection = await connectClient(
      product,
      `connect-${i}-${randomBytes(4).toString('hex')}@example.com`,
    );
    const first = await callTool(product, connection.accessToken, 'enclave_list');
    await first.text();
    connectMs.push(performance.now() - began);
    if (first.status !== 200) throw new Error(`first tool call: ${first.status}`);
    connections.push(connection);
  }
  return { connections, connectMs };
}

/** From sending the revoke until the MCP server refuses the token, polled every 2 ms. */
async function revocationPropagation(product: Product, connections: Connection[]): Promise<number[]> {
  const times: number[] = [];
  for (const connection of connections) {
    const session = await dashboard(product, connection.email);
    const began = performance.now();
    await revokeGrant(session, connection.grantId);
    times.push(await msUntil(product, connection.accessToken, 401, began));
  }
  return times;
}

/**
 * From sending "MCP integration off" until the MCP server refuses the workspace's token: the policy
 * push, a path of its own beside revocations (every revocation source takes the revocation's). It
 * is switched on again after each sample, and the token must work again.
 */
async function policyPropagation(product: Product, connections: Connection[]): Promise<number[]> {
  const times: number[] = [];
  for (const connection of connections) {
    const session = await dashboard(product, connection.email);
    const began = performance.now();
    await setMcpEnabled(session, false);
    times.push(await msUntil(product, connection.accessToken, 401, began));
    await setMcpEnabled(session, true);
    await msUntil(product, connection.accessToken, 200, performance.now());
  }
  return times;
}

/** Milliseconds from `began` until a call with `token` answers `status`, polled every 2 ms. */
async function msUntil(product: Product, token: string, status: number, began: number): Promise<number> {
  for (;;) {
    const response = await callTool(product, token, 'mcp_whoami');
    await response.text();
    if (response.status === status) return performance.now() - began;
    if (performance.now() - began > 10_000)
      throw new Error(`the token still answers ${response.status} after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function assertClean(what: string, result: LoadResult) {
  if (result.failures || result.errors || result.requests === 0) {
    throw new Error(
      `${what}: ${result.failures} failed and ${result.errors} errored responses ${JSON.stringify(result.statusCodes)}`,
    );
  }
}

function rows(r: Results): Row[] {
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const rps = (n: number) => `${Math.round(n).toLocaleString('en')}/s`;
  const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
  const cpu = (m: { cpuUsPerRequest: number }) => `${Math.round(m.cpuUsPerRequest)} µs CPU/req`;
  const times = (row: { cpuUsPerRequest: number }, anchor: { cpuUsPerRequest: number }) =>
    `${(row.cpuUsPerRequest / anchor.cpuUsPerRequest).toFixed(1)}x the CPU/req`;
  return [
    {
      measure: 'A. Fastify hello (anchor)',
      value: rps(r.hello.rps),
      detail: `a bare route, its own process, same core and turns; p99 ${r.hello.p99} ms; ${cpu(r.hello)}`,
      target: '',
      pass: undefined,
    },
    {
      measure: 'B. stock oidc-provider refresh (anchor)',
      value: rps(r.stockRefresh.rps),
      detail: `in-memory adapter, same token format, same turns; p99 ${r.stockRefresh.p99} ms; ${cpu(r.stockRefresh)}`,
      target: '',
      pass: undefined,
    },
    {
      measure: '1. /healthz (baseline)',
      value: rps(r.baseline.rps),
      detail: `p50 ${r.baseline.p50} ms, p99 ${r.baseline.p99} ms; ${cpu(r.baseline)}`,
      target: '',
      pass: undefined,
    },
    {
      measure: '2. tools/call enclave_list, JWT',
      value: rps(r.jwtToolCall.rps),
      detail: `${pct(r.jwtToolCall.perCoreOfHello)} of (A) per core (${times(r.jwtToolCall, r.hello)}); ${pct(r.jwtToolCall.ratio)} of (1); p50 ${r.jwtToolCall.p50} ms, p99 ${r.jwtToolCall.p99} ms; ${cpu(r.jwtToolCall)}`,
      target: '>= 30% of (A) per core, p99 < 25 ms',
      pass: r.jwtToolCall.perCoreOfHello >= 0.3 && r.jwtToolCall.p99 < 25,
    },
    {
      measure: '3. tools/call enclave_list, PAT',
      value: rps(r.personalAccessTokenToolCall.rps),
      detail: `${pct(r.personalAccessTokenToolCall.perCoreOfHello)} of (A) per core; ${pct(r.personalAccessTokenToolCall.ratio)} of (1); p50 ${r.personalAccessTokenToolCall.p50} ms, p99 ${r.personalAccessTokenToolCall.p99} ms; ${cpu(r.personalAccessTokenToolCall)}`,
      target: '',
      pass: undefined,
    },
    {
      measure: '4. refresh-token grant',
      value: rps(r.refresh.rps),
      detail: `${pct(r.refresh.perCoreOfStock)} of (B) per core (${times(r.refresh, r.stockRefresh)}); p50 ${r.refresh.p50} ms, p99 ${r.refresh.p99} ms; ${cpu(r.refresh)}`,
      target: '>= 90% of (B) per core',
      pass: r.refresh.perCoreOfStock >= 0.9,
    },
    {
      measure: '5. full connection',
      value: ms(r.fullConnectionMs.median),
      detail: `median of ${r.fullConnectionMs.samples.length}, p90 ${ms(r.fullConnectionMs.p90)}`,
      target: '< 250 ms',
      pass: r.fullConnectionMs.median < 250,
    },
    {
      measure: '6. revocation propagation',
      value: ms(r.revocationMs.p99),
      detail: `p99 of ${r.revocationMs.samples.length}; p50 ${ms(r.revocationMs.p50)}`,
      target: 'p99 < 1 s',
      pass: r.revocationMs.p99 < 1000,
    },
    {
      measure: '6. policy propagation (MCP off)',
      value: ms(r.policyMs.p99),
      detail: `p99 of ${r.policyMs.samples.length}; p50 ${ms(r.policyMs.p50)}`,
      target: 'p99 < 1 s',
      pass: r.policyMs.p99 < 1000,
    },
    {
      measure: '7. start-up',
      value: ms(r.startup.ms),
      detail: `\`pnpm start\` to both /healthz answering; the first start (new database) ${ms(r.startup.firstMs)}`,
      target: '< 5 s',
      pass: r.startup.ms < 5000,
    },
    {
      measure: '7. resident memory',
      value: `${r.startup.rssMb.toFixed(0)} MB`,
      detail: `idle after start; ${r.startup.rssAfterBenchMb.toFixed(0)} MB after the bench, peak ${r.startup.peakRssMb.toFixed(0)} MB`,
      target: '< 250 MB',
      pass: r.startup.rssMb < 250,
    },
  ];
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
