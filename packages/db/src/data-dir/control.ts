import type { Server, Socket } from 'node:net';
import {
  controlRequest,
  type HelloAnswer,
  parseLine,
  type RunAnswer,
  readLines,
  writeLine,
} from './protocol.js';

/** An operator command: validates its own arguments, returns something JSON can carry. */
export type ControlCommand = (args: unknown) => Promise<unknown>;

/** The operator commands the holder of an embedded data directory runs for other processes. */
export interface ControlRegistry {
  /** Offers `command`; `runInHolder(dataDir, command, args)` in another process runs it here. */
  handle(command: string, run: ControlCommand): void;
}

/** A connection that sends nothing for this long is dropped; commands answer well within it. */
const IDLE_MS = 30_000;
/** Operators run a command at a time; a few spare connections are plenty. */
const MAX_CONNECTIONS = 8;

/**
 * Answers the control channel on `server` as the holder `purpose`; `disconnect` ends every open
 * connection, so that closing the server does not wait for idle clients.
 */
export function serveControl(
  server: Server,
  purpose: string,
): { registry: ControlRegistry; disconnect(): void } {
  const commands = new Map<string, ControlCommand>();
  const connections = new Set<Socket>();
  const hello = (): HelloAnswer => ({ pid: process.pid, purpose, commands: [...commands.keys()] });

  async function answer(line: string): Promise<HelloAnswer | RunAnswer> {
    const request = parseLine(line, controlRequest);
    if (!request) return { ok: false, error: 'not a request of the Enclavia control channel' };
    if (request.op === 'hello') return hello();
    const run = commands.get(request.command);
    if (!run)
      return { ok: false, error: `${purpose} (process ${process.pid}) does not offer "${request.command}"` };
    try {
      return { ok: true, result: (await run(request.args)) ?? null };
    } catch (error) {
      return { ok: false, error: firstLine(error) };
    }
  }

  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => {});
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    // One request at a time per connection, answered in order.
    let turn = Promise.resolve();
    readLines(socket, (line) => {
      turn = turn.then(async () => writeLine(socket, await answer(line)));
    });
  });
  return {
    registry: {
      handle(command, run) {
        commands.set(command, run);
      },
    },
    disconnect() {
      for (const socket of connections) socket.destroy();
    },
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').slice(0, 1000) || 'the command failed';
}
