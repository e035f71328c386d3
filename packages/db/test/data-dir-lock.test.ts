import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../src/data-dir/lock.js';
import {
  type DatabaseHandle,
  DatabaseInUseError,
  DataDirLockError,
  openDatabase,
  runInHolder,
} from '../src/index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/hold-data-dir.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'enclavia-lock-'));
const dataDir = join(root, 'pglite');
const socket = `${dataDir}.sock`;
const inUse = (pid: number, purpose: string) =>
  `the embedded database in ${dataDir} is in use by process ${pid} (${purpose}): stop it first, or use DATABASE_URL`;

interface Holder {
  child: ChildProcess;
  /** Loaded, waiting for `go`. */
  ready: Promise<void>;
  /** Lets it open the database now. */
  go(): void;
  /** Its one line: `held <pid>` or `refused <message>`. */
  outcome: Promise<string>;
  /** Ends its stdin: it closes the database and exits. */
  stop(): Promise<void>;
}

/** A child process that opens `dataDir` through `openDatabase`, as the product would. */
function spawnHolder(purpose: string): Holder {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir, purpose], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = (n: number) =>
    new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk;
        const complete = out.split('\n').slice(0, -1);
        if (complete.length > n) resolve(complete[n]!);
      });
      child.once('exit', (code, signal) => reject(new Error(`exited (${code ?? signal}) without a word`)));
    });
  return {
    child,
    ready: line(0).then(() => {}),
    outcome: line(1),
    go: () => child.stdin!.write('go\n'),
    async stop() {
      child.stdin!.end();
      await exited;
    },
  };
}

async function killed(holder: Holder) {
  const exited = new Promise((resolve) => holder.child.once('exit', resolve));
  holder.child.kill('SIGKILL');
  await exited;
}

let first: DatabaseHandle | undefined;
beforeAll(async () => {
  // Creates the data directory once, so that the children below only open it.
  await (await openDatabase({ dataDir, purpose: 'setup' })).close();
});
afterAll(async () => {
  await first?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('one process holds an embedded data directory', () => {
  it('refuses a second opener, in another process or this one, with one line naming pid and purpose', async () => {
    first = await openDatabase({ dataDir, purpose: 'the test holder' });
    const second = spawnHolder('a second process');
    second.go();
    expect(await second.outcome).toBe(`refused ${inUse(process.pid, 'the test holder')}`);

    const again = await openDatabase({ dataDir, purpose: 'again' }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(DatabaseInUseError);
    expect((again as Error).message).toBe(inUse(process.pid, 'the test holder'));
    // Only the OS user running the holder may use its control socket.
    expect(statSync(socket).mode & 0o077).toBe(0);
  });

  it('runs an offered command for another process, and refuses one it does not offer', async () => {
    first!.control!.handle('echo', async (args) => ({ echoed: args }));
    first!.control!.handle('fail', async () => {
      throw new Error('it went wrong\nsecond line');
    });
    expect(await runInHolder(dataDir, 'echo', { x: 1 })).toEqual({
      status: 'done',
      result: { echoed: { x: 1 } },
    });
    expect(await runInHolder(dataDir, 'fail', {})).toEqual({ status: 'failed', error: 'it went wrong' });
    expect(await runInHolder(dataDir, 'disable-user', {})).toEqual({
      status: 'refused',
      holder: { pid: process.pid, purpose: 'the test holder' },
    });
  });

  it('answers a malformed request with an error, and drops an overlong line', async () => {
    const raw = (payload: string) =>
      new Promise<string>((resolve) => {
        let answer = '';
        const connection = createConnection(socket, () => connection.write(payload));
        connection.on('data', (chunk) => {
          answer += chunk;
        });
        connection.on('error', () => {});
        connection.on('close', () => resolve(answer));
        setTimeout(() => connection.end(), 300);
      });
    expect(JSON.parse(await raw('{"op":"run","command":7}\n'))).toEqual({
      ok: false,
      error: 'not a request of the Enclavia control channel',
    });
    expect(JSON.parse(await raw('not json\n'))).toMatchObject({ ok: false });
    expect(await raw(`{"op":"hello","x":"${'y'.repeat(100_000)}"}\n`)).toBe('');
  });

  it('releases the directory on close: it opens again', async () => {
    await first!.close();
    first = undefined;
    expect(existsSync(socket)).toBe(false);
    expect(await runInHolder(dataDir, 'echo', {})).toEqual({ status: 'not-running' });
    await (await openDatabase({ dataDir, purpose: 'reopened' })).close();
  });

  it('takes over at once the socket a holder killed with SIGKILL left behind', async () => {
    const holder = spawnHolder('doomed');
    holder.go();
    expect(await holder.outcome).toBe(`held ${holder.child.pid}`);
    expect(await runInHolder(dataDir, 'pid', {})).toEqual({ status: 'done', result: holder.child.pid });
    await killed(holder);
    expect(existsSync(socket)).toBe(true);

    const began = performance.now();
    const lock = await lockDataDir(dataDir, 'successor');
    expect(performance.now() - began).toBeLessThan(500);
    await lock.release();
    // The database itself recovers from the kill.
    await (await openDatabase({ dataDir, purpose: 'after the kill' })).close();
  });

  it('lets exactly one of several processes racing for a stale socket win', async () => {
    const doomed = spawnHolder('doomed');
    doomed.go();
    await doomed.outcome;
    await killed(doomed);

    const racers = [spawnHolder('racer'), spawnHolder('racer'), spawnHolder('racer')];
    await Promise.all(racers.map((r) => r.ready));
    for (const racer of racers) racer.go();
    const outcomes = await Promise.all(racers.map((r) => r.outcome));
    const winners = outcomes.filter((o) => o.startsWith('held '));
    expect(winners).toHaveLength(1);
    const winner = Number(winners[0]!.slice('held '.length));
    expect(outcomes.filter((o) => o === `refused ${inUse(winner, 'racer')}`)).toHaveLength(2);
    await Promise.all(racers.map((r) => r.stop()));
  });

  it('binds a path relative to the working directory when the absolute one is too long for a socket', async () => {
    const deep = join(root, 'd'.repeat(100));
    mkdirSync(deep);
    const previous = process.cwd();
    process.chdir(deep);
    try {
      const lock = await lockDataDir(join(deep, 'pglite'), 'deep holder');
      expect(existsSync(join(deep, 'pglite.sock'))).toBe(true);
      expect(await runInHolder(join(deep, 'pglite'), 'echo', {})).toEqual({
        status: 'refused',
        holder: { pid: process.pid, purpose: 'deep holder' },
      });
      await lock.release();
    } finally {
      process.chdir(previous);
    }
  });

  it('refuses a data directory whose socket path would be too long, in one line naming it', async () => {
    const long = join(root, 'x'.repeat(120));
    const error = await openDatabase({ dataDir: long }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirLockError);
    expect((error as Error).message).toMatch(
      new RegExp(`^DATA_DIR ${long} is too long .*: choose a shorter DATA_DIR$`),
    );
  });
});
