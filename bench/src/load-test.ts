import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  type Connection,
  callTool,
  connectClient,
  createPersonalAccessToken,
  dashboard,
  refreshBody,
  revokeGrant,
  toolCall,
} from './clients.js';
import { post } from './http.js';
import { openLoop } from './open-loop.js';
import { type Product, startProduct } from './product.js';
import { percentile } from './stats.js';

/**
 * `pnpm test:load`: one product process under mixed traffic at fixed rates (tool calls, refreshes,
 * registrations, and an app revoked halfway). It passes only with no 5xx, no 401 that was not
 * asked for, every refresh and registration answered, the revoked app refused within a second,
 * and resident memory that does not grow across the run.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'tool-rate': { type: 'string', default: '300' },
    'refresh-rate': { type: 'string', default: '25' },
    'register-rate': { type: 'string', default: '5' },
  },
});
const SECONDS = Number(values.seconds);
const TOOL_RATE = Number(values['tool-rate']);
const REFRESH_RATE = Number(values['refresh-rate']);
const REGISTER_RATE = Number(values['register-rate']);
const USERS = 8;
const APPS_REFRESHING = 24;
const NOT_SENT = 'not sent: every app was waiting for its last refresh';
// Growth allowed from the middle to the last third of the run (the first third warms up).
const MEMORY_SLACK_MB = 24;

async function main() {
  const product = await startProduct({ REGISTER_RATE_LIMIT: '1000000' });
  let failures: string[];
  try {
    failures = await run(product);
  } catch (error) {
    console.error(product.stderr());
    throw error;
  } finally {
    await product.stop();
  }
  if (failures.length > 0) {
    console.error(`\nFAILED:\n${failures.map((f) => `- ${f}`).join('\n')}`);
    process.exit(1);
  }
  console.log('\nPassed.');
}

async function run(product: Product): Promise<string[]> {
  console.log(`Setting up ${USERS} users, each with a connected app and enclaves...`);
  const users = await setUp(product);
  const victim = await connectClient(product, `victim-${randomBytes(4).toString('hex')}@example.com`);
  const victimSession = await dashboard(product, victim.email);
  const refreshing: Connection[] = [];
  for (let i = 0; i < APPS_REFRESHING; i++)
    refreshing.push(await connectClient(product, users[i % USERS]!.email));

  console.log(
    `${SECONDS} s of ${TOOL_RATE} tool calls/s, ${REFRESH_RATE} refreshes/s, ${REGISTER_RATE} registrations/s, one revocation at ${SECONDS / 2} s`,
  );
  const memory: Array<{ at: number; rssMb: number }> = [];
  const began = performance.now();
  const sampler = setInterval(
    () => memory.push({ at: performance.now() - began, rssMb: product.memory().rssMb }),
    250,
  );
  let revokedAt = Number.POSITIVE_INFINITY;
  const [tools, refreshes, registrations, revoked] = await Promise.all([
    toolCalls(product, users),
    refreshLoop(product, refreshing),
    openLoop({ rate: REGISTER_RATE, seconds: SECONDS, send: () => register(product) }),
    openLoop({
      rate: 20,
      seconds: SECONDS,
      send: async (elapsed) => {
        const sentAt = performance.now();
        if (elapsed >= (SECONDS * 1000) / 2 && revokedAt === Number.POSITIVE_INFINITY) {
          revokedAt = sentAt;
          await revokeGrant(victimSession, victim.grantId);
        }
        const response = await callTool(product, victim.accessToken, 'mcp_whoami');
        await response.text();
        // A call sent just before the revocation may be served just after it: only a call answered
        // before the revocation began must succeed, and only one sent a second after must fail.
        const phase =
          performance.now() < revokedAt ? 'before' : sentAt - revokedAt > 1000 ? 'after' : 'within a second';
        return `${phase} ${response.status}`;
      },
    }),
  ]);
  clearInterval(sampler);

  const failures: string[] = [];
  console.log(
    `tool calls: ${tools.sent} (${Math.round(tools.sent / SECONDS)}/s), p50 ${tools.p50} ms, p99 ${tools.p99} ms, ${JSON.stringify(tools.outcomes)}`,
  );
  expectOnly(failures, 'tool calls', tools, ['200']);

  console.log(`refreshes: ${refreshes.sent}, ${JSON.stringify(refreshes.outcomes)}`);
  expectOnly(failures, 'refreshes', refreshes, ['200', NOT_SENT]);
  console.log(`registrations: ${registrations.sent}, ${JSON.stringify(registrations.outcomes)}`);
  expectOnly(failures, 'registrations', registrations, ['201']);
  console.log(`revoked app: ${JSON.stringify(revoked.outcomes)}`);
  expectOnly(failures, 'calls of the revoked app', revoked, [
    'before 200',
    'within a second 200',
    'within a second 401',
    'after 401',
  ]);

  const rss = memoryTrend(memory);
  console.log(
    `resident memory: ${rss.first.toFixed(0)} MB at the start; lowest ${rss.middle.toFixed(0)} MB in the middle third, ${rss.last.toFixed(0)} MB in the last`,
  );
  if (rss.growth > MEMORY_SLACK_MB) {
    failures.push(
      `resident memory grew by ${rss.growth.toFixed(0)} MB from the middle to the last third of the run (allowed ${MEMORY_SLACK_MB} MB)`,
    );
  }
  return failures;
}

interface User {
  email: string;
  connection: Connection;
  personalAccessToken: string;
  enclaveId: string;
}

async function setUp(product: Product): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < USERS; i++) {
    const email = `load-${i}-${randomBytes(4).toString('hex')}@example.com`;
    const connection = await connectClient(product, email);
    const created = (await (
      await callTool(product, connection.accessToken, 'enclave_create', {
        image: 'ghcr.io/acme/api:1.4.2',
        name: `load-${i}`,
      })
    ).json()) as { result: { structuredContent: { enclave: { id: string } } } };
    const personalAccessToken = await createPersonalAccessToken(await dashboard(product, email));
    users.push({
      email,
      connection,
      personalAccessToken,
      enclaveId: created.result.structuredContent.enclave.id,
    });
  }
  return users;
}

/**
 * Tool calls of every user, with both kinds of token, evenly paced at a fixed overall rate
 * (autocannon's rate sends each second's quota as fast as it is answered, a burst a second).
 */
async function toolCalls(product: Product, users: User[]) {
  const requests = users.flatMap((u) => [
    toolCall(u.connection.accessToken, 'enclave_list'),
    toolCall(u.connection.accessToken, 'enclave_status', { id: u.enclaveId }),
    toolCall(u.personalAccessToken, 'enclave_logs', { id: u.enclaveId }),
    toolCall(u.personalAccessToken, 'mcp_whoami'),
  ]);
  const latencies: number[] = [];
  let next = 0;
  const result = await openLoop({
    rate: TOOL_RATE,
    seconds: SECONDS,
    send: async () => {
      const { headers, body } = requests[next++ % requests.length]!;
      const sent = performance.now();
      const answer = await post(product.mcpUrl, headers, body);
      latencies.push(performance.now() - sent);
      // A tool that failed still answers 200; its result says isError.
      return answer.status === 200 && answer.body.includes('"isError":true')
        ? 'an error result'
        : String(answer.status);
    },
  });
  return {
    ...result,
    p50: Math.round(percentile(latencies, 50)),
    p99: Math.round(percentile(latencies, 99)),
  };
}

/**
 * Apps refreshing in turn: a refresh token is used once, so each app carries the next. An app whose
 * refresh is still in flight is not free; when none is, this client population sends nothing
 * (counted, not a failure of the server's).
 */
function refreshLoop(product: Product, apps: Connection[]) {
  const free = apps.map((app) => ({ clientId: app.clientId, refreshToken: app.refreshToken }));
  return openLoop({
    rate: REFRESH_RATE,
    seconds: SECONDS,
    send: async () => {
      const chain = free.shift();
      if (!chain) return NOT_SENT;
      const answer = await post(
        `${product.issuer}/token`,
        { 'content-type': 'application/x-www-form-urlencoded' },
        refreshBody(chain.clientId, chain.refreshToken),
      );
      if (answer.status === 200) {
        chain.refreshToken = (JSON.parse(answer.body) as { refresh_token: string }).refresh_token;
        free.push(chain);
      }
      return String(answer.status);
    },
  });
}

async function register(product: Product): Promise<string> {
  const answer = await post(
    `${product.issuer}/register`,
    { 'content-type': 'application/json' },
    JSON.stringify({
      client_name: 'load test',
      redirect_uris: ['http://127.0.0.1:3118/callback'],
      token_endpoint_auth_method: 'none',
    }),
  );
  return String(answer.status);
}

function expectOnly(
  failures: string[],
  what: string,
  result: { outcomes: Record<string, number>; errors: string[] },
  allowed: string[],
) {
  for (const [outcome, count] of Object.entries(result.outcomes)) {
    if (!allowed.includes(outcome)) failures.push(`${count} ${what}: ${outcome}`);
  }
  if (result.errors.length > 0) failures.push(`${result.errors.length} ${what} failed: ${result.errors[0]}`);
}

/**
 * Resident memory at the start, and its lowest in the middle and in the last third of the run (the
 * first third warms up: caches and pools fill). The lows are what is left after the garbage
 * collector has run, so they rise with a leak and not with the collector's ups and downs.
 */
function memoryTrend(samples: Array<{ at: number; rssMb: number }>) {
  const third = (SECONDS * 1000) / 3;
  const lowest = (from: number, to: number) =>
    Math.min(...samples.filter((s) => s.at >= from && s.at < to).map((s) => s.rssMb));
  const middle = lowest(third, 2 * third);
  const last = lowest(2 * third, Number.POSITIVE_INFINITY);
  return { first: samples[0]?.rssMb ?? Number.NaN, middle, last, growth: last - middle };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
