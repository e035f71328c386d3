import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { loadCliConfig } from '../config.js';
import { resolveDeployment } from '../deployment.js';
import { CliError } from '../errors.js';
import { parseFlags } from '../flags.js';
import { connectToDeployment, type RemoteTools, type ToolResult } from '../remote-tools.js';
import { formatFields, formatTable } from '../table.js';

const HELP = 'enclavia --help';
/** How often `create --wait` asks for the enclave's state. */
const WAIT_POLL_MS = 500;

const Enclave = z.object({
  id: z.string(),
  name: z.string().nullable(),
  image: z.string(),
  instance_type: z.string(),
  container_port: z.number(),
  storage_size_bytes: z.number(),
  state: z.string(),
  measurement: z.string().nullable(),
  failure_reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
type Enclave = z.infer<typeof Enclave>;
const OneEnclave = z.object({ enclave: Enclave });
const EnclaveList = z.object({
  enclaves: z.array(
    Enclave.pick({ id: true, name: true, image: true, instance_type: true, state: true, created_at: true }),
  ),
});
const LogLines = z.object({
  lines: z.array(z.object({ stream: z.string(), at: z.string(), line: z.string() })),
});

const positiveInteger = (flag: string) =>
  z.coerce.number({ error: `${flag} must be a number` }).int(`${flag} must be a whole number`);

const common = { url: { type: 'string' }, json: { type: 'boolean' } } as const;

/** `enclavia enclave list|status|logs|create|stop|destroy`: each one tool of the deployment. */
export async function enclaveCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const run = sub ? SUBCOMMANDS[sub] : undefined;
  if (!run) {
    throw new CliError(
      sub
        ? `unknown command "enclave ${sub}"; see ${HELP}`
        : `enclave needs list, status, logs, create, stop or destroy; see ${HELP}`,
      2,
    );
  }
  return run(rest);
}

const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  async list(args) {
    const { values } = parseFlags(args, { ...common, state: { type: 'string' } }, HELP);
    return withTools(values.url, async (tools) => {
      const result = await tools.call('enclave_list', values.state ? { state: values.state } : {});
      if (values.json) return printJson(result);
      const { enclaves } = EnclaveList.parse(result.structuredContent);
      if (enclaves.length === 0) return print('No enclaves.\n');
      return print(
        formatTable(
          ['ID', 'NAME', 'IMAGE', 'TYPE', 'STATE', 'CREATED'],
          enclaves.map((e) => [e.id, e.name ?? '', e.image, e.instance_type, e.state, e.created_at]),
        ),
      );
    });
  },

  async status(args) {
    const { values, id } = withId(args, common, 'status');
    return withTools(values.url, async (tools) =>
      showEnclave(await tools.call('enclave_status', { id }), values.json),
    );
  },

  async logs(args) {
    const { values, id } = withId(
      args,
      { ...common, stream: { type: 'string' }, tail: { type: 'string' }, since: { type: 'string' } },
      'logs',
    );
    const input = {
      id,
      ...(values.stream ? { stream: values.stream } : {}),
      ...(values.tail ? { tail: number(positiveInteger('--tail'), values.tail) } : {}),
      ...(values.since ? { since: values.since } : {}),
    };
    return withTools(values.url, async (tools) => {
      const result = await tools.call('enclave_logs', input);
      if (values.json) return printJson(result);
      const { lines } = LogLines.parse(result.structuredContent);
      return print(lines.map((l) => `${l.at} ${l.stream.padEnd(7)} ${l.line}\n`).join(''));
    });
  },

  async create(args) {
    const { values } = parseFlags(
      args,
      {
        ...common,
        image: { type: 'string' },
        'instance-type': { type: 'string' },
        'container-port': { type: 'string' },
        'storage-size-bytes': { type: 'string' },
        name: { type: 'string' },
        wait: { type: 'boolean' },
      },
      HELP,
    );
    if (!values.image)
      throw new CliError(`enclave create needs --image <registry/repository:tag>; see ${HELP}`, 2);
    const input = {
      image: values.image,
      ...(values['instance-type'] ? { instance_type: values['instance-type'] } : {}),
      ...(values['container-port']
        ? { container_port: number(positiveInteger('--container-port'), values['container-port']) }
        : {}),
      ...(values['storage-size-bytes']
        ? {
            storage_size_bytes: number(positiveInteger('--storage-size-bytes'), values['storage-size-bytes']),
          }
        : {}),
      ...(values.name ? { name: values.name } : {}),
    };
    return withTools(values.url, async (tools) => {
      const created = await tools.call('enclave_create', input);
      if (!values.wait) return showEnclave(created, values.json);
      const { enclave } = OneEnclave.parse(created.structuredContent);
      return showEnclave(await waitUntilRunning(tools, enclave), values.json);
    });
  },

  async stop(args) {
    const { values, id } = withId(args, common, 'stop');
    return withTools(values.url, async (tools) =>
      showEnclave(await tools.call('enclave_stop', { id }), values.json),
    );
  },

  async destroy(args) {
    const { values, id } = withId(args, common, 'destroy');
    return withTools(values.url, async (tools) =>
      showEnclave(await tools.call('enclave_destroy', { id }), values.json),
    );
  },
};

/**
 * Asks for the enclave's state until it runs, with a progress line on stderr at each change; an
 * enclave that fails (or is stopped meanwhile) is an error naming why.
 */
async function waitUntilRunning(tools: RemoteTools, created: Enclave): Promise<ToolResult> {
  let last = '';
  for (;;) {
    const result = await tools.call('enclave_status', { id: created.id });
    const { enclave } = OneEnclave.parse(result.structuredContent);
    if (enclave.state !== last) {
      process.stderr.write(`${enclave.id}: ${enclave.state}${enclave.state === 'running' ? '' : '…'}\n`);
      last = enclave.state;
    }
    if (enclave.state === 'running') return result;
    if (!['pending', 'building'].includes(enclave.state)) {
      throw new CliError(
        `enclave ${enclave.id} is ${enclave.state}${enclave.failure_reason ? `: ${enclave.failure_reason}` : ''}; see enclavia enclave logs ${enclave.id}`,
      );
    }
    await sleep(WAIT_POLL_MS);
  }
}

function showEnclave(result: ToolResult, json: boolean | undefined): number {
  if (json) return printJson(result);
  const { enclave: e } = OneEnclave.parse(result.structuredContent);
  return print(
    formatFields([
      ['ID', e.id],
      ['Name', e.name ?? '-'],
      ['State', e.state],
      ['Image', e.image],
      ['Instance type', e.instance_type],
      ['Port', String(e.container_port)],
      ['Storage', `${e.storage_size_bytes} bytes`],
      ['Measurement', e.measurement ?? '-'],
      ...(e.failure_reason ? [['Failure', e.failure_reason] as [string, string]] : []),
      ['Created', e.created_at],
      ['Updated', e.updated_at],
    ]),
  );
}

function withId<O extends Parameters<typeof parseFlags>[1]>(args: string[], options: O, sub: string) {
  const { values, positionals } = parseFlags(args, options, HELP);
  if (positionals.length !== 1) throw new CliError(`usage: enclavia enclave ${sub} <id>; see ${HELP}`, 2);
  return { values, id: positionals[0]! };
}

async function withTools(
  url: string | undefined,
  use: (tools: RemoteTools) => Promise<number>,
): Promise<number> {
  const tools = await connectToDeployment(resolveDeployment(url, loadCliConfig()));
  try {
    return await use(tools);
  } finally {
    await tools.close();
  }
}

function number(schema: z.ZodType<number>, value: string): number {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CliError(parsed.error.issues[0]!.message, 2);
  return parsed.data;
}

/** `--json`: what the tool returned, structured. */
function printJson(result: ToolResult): number {
  return print(`${JSON.stringify(result.structuredContent ?? result.text, null, 2)}\n`);
}

function print(text: string): number {
  process.stdout.write(text);
  return 0;
}
