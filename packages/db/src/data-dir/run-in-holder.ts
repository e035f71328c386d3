import { resolve } from 'node:path';
import { lockAddress } from './address.js';
import { DatabaseInUseError, type Holder } from './errors.js';
import { ABSENT, channelOver, connectTo, runAnswer, sayHello } from './protocol.js';

export type HolderAnswer =
  /** No process holds the data directory: open it yourself. */
  | { status: 'not-running' }
  | { status: 'done'; result: unknown }
  /** The holder ran the command and it failed; `error` is one line. */
  | { status: 'failed'; error: string }
  /** The holder does not offer the command (a stdio server, say). */
  | { status: 'refused'; holder: Holder };

/**
 * Runs an operator command in the process that holds the embedded database in `dataDir`, through
 * its control socket, so the change goes through that process (and its in-memory notifications)
 * rather than around it. Throws `DatabaseInUseError` when a holder is there but does not answer.
 */
export async function runInHolder(
  dataDir: string,
  command: string,
  args: unknown,
  { timeoutMs = 20_000 }: { timeoutMs?: number } = {},
): Promise<HolderAnswer> {
  const socket = await connectTo(lockAddress(dataDir).path);
  if (socket === ABSENT) return { status: 'not-running' };
  const channel = channelOver(socket);
  try {
    const hello = await sayHello(channel);
    if (!hello) throw new DatabaseInUseError(resolve(dataDir), undefined);
    if (!hello.commands.includes(command)) {
      return { status: 'refused', holder: { pid: hello.pid, purpose: hello.purpose } };
    }
    const answer = await channel.ask({ op: 'run', command, args }, runAnswer, timeoutMs);
    return answer.ok ? { status: 'done', result: answer.result } : { status: 'failed', error: answer.error };
  } finally {
    channel.close();
  }
}
