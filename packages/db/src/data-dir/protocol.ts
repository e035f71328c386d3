import { createConnection, type Socket } from 'node:net';
import { z } from 'zod';

/**
 * The control channel of a data directory's holder: newline-delimited JSON over its socket.
 * `{"op":"hello"}` asks who holds it; `{"op":"run","command":…,"args":…}` runs an operator command
 * there. Both ends are local processes, but what they send is still input: every line is bounded
 * and validated.
 */

/** A longer line is not ours: the connection is dropped. */
const MAX_LINE_CHARS = 64 * 1024;

/** Control characters would break the one line an operator sees. */
const oneLine = (max: number) =>
  z
    .string()
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is removed.
    .transform((s) => s.replace(/[\u0000-\u001f\u007f]+/g, ' '));

const commandName = z.string().min(1).max(100);

export const controlRequest = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('hello') }),
  z.strictObject({ op: z.literal('run'), command: commandName, args: z.unknown() }),
]);
export type ControlRequest = z.infer<typeof controlRequest>;

export const helloAnswer = z.object({
  pid: z.number().int().positive(),
  purpose: oneLine(200),
  commands: z.array(commandName).max(100),
});
export type HelloAnswer = z.infer<typeof helloAnswer>;

export const runAnswer = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: oneLine(1000) }),
]);
export type RunAnswer = z.infer<typeof runAnswer>;

/** Calls `onLine` with each line `socket` receives; drops the connection at an overlong one. */
export function readLines(socket: Socket, onLine: (line: string) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line.length > MAX_LINE_CHARS) return socket.destroy();
      onLine(line);
    }
    if (buffered.length > MAX_LINE_CHARS) socket.destroy();
  });
}

export function writeLine(socket: Socket, message: unknown): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
}

/** Parses one line with `schema`; undefined for anything else. */
export function parseLine<T>(line: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** No process listens there: the socket file is stale or absent. */
export const ABSENT = 'absent';

/**
 * Connects to the socket at `path`. A listening process accepts at once, even when its event loop
 * is busy (the kernel queues the connection), so a timeout here means something else is wrong.
 */
export function connectTo(path: string, timeoutMs = 2000): Promise<Socket | typeof ABSENT> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') resolve(ABSENT);
      else reject(error);
    });
  });
}

/** Sends one request on a connected socket and reads one answer line, within `timeoutMs`. */
export interface Channel {
  ask<T>(request: ControlRequest, schema: z.ZodType<T>, timeoutMs: number): Promise<T>;
  close(): void;
}

export function channelOver(socket: Socket): Channel {
  const waiting: Array<(line: string | undefined) => void> = [];
  readLines(socket, (line) => waiting.shift()?.(line));
  socket.on('error', () => {});
  socket.on('close', () => {
    for (const answer of waiting.splice(0)) answer(undefined);
  });
  return {
    ask(request, schema, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`no answer to "${request.op}" within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.push((line) => {
          clearTimeout(timer);
          const answer = line === undefined ? undefined : parseLine(line, schema);
          if (answer === undefined) reject(new Error(`no valid answer to "${request.op}"`));
          else resolve(answer);
        });
        writeLine(socket, request);
      });
    },
    close: () => socket.destroy(),
  };
}

const HELLO_WITHIN_MS = 3000;

/** Who holds the socket and what it offers; undefined when it does not answer in time. */
export function sayHello(channel: Channel): Promise<HelloAnswer | undefined> {
  return channel.ask({ op: 'hello' }, helloAnswer, HELLO_WITHIN_MS).catch(() => undefined);
}
