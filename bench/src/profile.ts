// Profiling helper (not part of `pnpm bench`): starts the product as the bench does, with V8's CPU
// profiler on (`cpu-profile-preload.mjs`: Node refuses --cpu-prof in NODE_OPTIONS, and the product
// is spawned by `pnpm start`'s script), drives one workload, stops it; the profile is written on exit.
// With --no-prof it only prints the CPU per request, for quick comparisons.
//   pnpm --filter @enclavia/bench profile --what tool|refresh --seconds 15 --dir /tmp/prof
//   node src/cpu-profile-summary.mjs /tmp/prof/<pid>.cpuprofile [filter]   (LAST=11: last 11 s only)
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { callTool, connectClient, refreshBody, toolCall } from './clients.js';
import { post } from './http.js';
import { drive, driveChains } from './load.js';
import { startProduct } from './product.js';

const { values } = parseArgs({
  options: {
    what: { type: 'string', default: 'tool' },
    seconds: { type: 'string', default: '15' },
    dir: { type: 'string', default: '/tmp/prof' },
    'no-prof': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const PRELOAD = fileURLToPath(new URL('./cpu-profile-preload.mjs', import.meta.url));
const product = await startProduct({
  REGISTER_RATE_LIMIT: '1000000',
  ...(!values['no-prof'] ? { NODE_OPTIONS: `--import=${PRELOAD}`, CPUPROF_DIR: values.dir } : {}),
});
const idleRss = product.memory().rssMb;
/** One line of JSON: throughput, p99 and CPU per request of the measured run. */
const report = (r: { rps: number; p99: number; failures: number; requests: number }, before: number) =>
  console.log(
    JSON.stringify({
      what: values.what,
      rps: Math.round(r.rps),
      p99: r.p99,
      failures: r.failures,
      cpuUs: Math.round(((product.cpuMs() - before) * 1000) / r.requests),
      idleRssMb: idleRss,
      rss: product.memory(),
    }),
  );
try {
  const email = `prof-${randomBytes(4).toString('hex')}@example.com`;
  const client = await connectClient(product, email);
  if (values.what === 'tool') {
    for (const name of ['web', 'worker', 'cron'])
      await (
        await callTool(product, client.accessToken, 'enclave_create', {
          image: 'ghcr.io/acme/api:1.4.2',
          name,
        })
      ).text();
    const request = toolCall(client.accessToken, 'enclave_list');
    await drive({ url: product.mcpUrl, ...request, seconds: 3, connections: 50 });
    const before = product.cpuMs();
    const r = await drive({ url: product.mcpUrl, ...request, seconds, connections: 50 });
    report(r, before);
  } else {
    const chains = [];
    for (let i = 0; i < 50; i++) {
      const c = await connectClient(product, email);
      chains.push({ clientId: c.clientId, refreshToken: c.refreshToken });
    }
    const step = async (chain: { clientId: string; refreshToken: string }) => {
      const answer = await post(
        `${product.issuer}/token`,
        { 'content-type': 'application/x-www-form-urlencoded' },
        refreshBody(chain.clientId, chain.refreshToken),
      );
      const refreshToken =
        answer.status === 200 ? (JSON.parse(answer.body) as { refresh_token: string }).refresh_token : '';
      return { status: answer.status, next: { ...chain, refreshToken } };
    };
    await driveChains({ seconds: 3, chains, step });
    const before = product.cpuMs();
    const r = await driveChains({ seconds, chains, step });
    report(r, before);
  }
} finally {
  await product.stop();
}
