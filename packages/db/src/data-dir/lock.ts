import { chmodSync, mkdirSync } from 'node:fs';
import { open, stat, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lockAddress } from './address.js';
import { type ControlRegistry, serveControl } from './control.js';
import { DatabaseInUseError, DataDirLockError, type Holder } from './errors.js';
import { ABSENT, channelOver, connectTo, sayHello } from './protocol.js';

/** This process holds the data directory until `release()`. */
export interface DataDirLock {
  control: ControlRegistry;
  release(): Promise<void>;
}

/** A takeover file older than this was left by a starter that died in the middle of one. */
const TAKEOVER_STALE_MS = 5000;
/** How long to wait for another starter's takeover to finish. */
const ACQUIRE_WITHIN_MS = 10_000;

/**
 * Makes this process the only one that opens `dataDir`: it listens on a socket next to it. The
 * kernel says whether a holder is alive (a connection is accepted or refused), so a holder killed
 * with SIGKILL leaves a socket file that the next opener takes over at once, and nobody waits for
 * a stale lock to expire. Throws `DatabaseInUseError` when a live process holds it.
 */
export async function lockDataDir(dataDir: string, purpose: string): Promise<DataDirLock> {
  mkdirSync(dirname(resolve(dataDir)), { recursive: true });
  const address = lockAddress(dataDir);
  const server = createServer();
  const control = serveControl(server, purpose);
  const giveUpAt = Date.now() + ACQUIRE_WITHIN_MS;
  while (!(await tryListen(server, address.path))) {
    const found = await whoHolds(address.path);
    if (found.held) throw new DatabaseInUseError(resolve(dataDir), found.holder);
    if (address.takeover && (await takeOver(server, address.path, address.takeover))) break;
    if (Date.now() > giveUpAt) {
      throw new DataDirLockError(
        `could not lock DATA_DIR ${dataDir}: another process is taking over its stale lock ${address.path}; try again`,
      );
    }
    await sleep(50);
  }
  // The lock must not keep a process alive by itself: whoever opened the database closes it.
  server.unref();
  return {
    control: control.registry,
    release: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        control.disconnect();
      }),
  };
}

/**
 * Binds the socket; false when the path is taken (by a live holder or a stale file). The socket is
 * also a control channel, so only the OS user running the product may connect: the bind inside
 * `listen` is synchronous, and a umask around it creates the socket owner-only. `process.umask`
 * throws in worker threads, where a chmod right after binding has to do.
 */
function tryListen(server: Server, path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let previous: number | undefined;
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') resolve(false);
      else reject(new DataDirLockError(`could not create the lock socket ${path}: ${error.message}`));
    };
    const onListening = () => {
      server.off('error', onError);
      if (previous === undefined && process.platform !== 'win32') chmodSync(path, 0o600);
      resolve(true);
    };
    server.once('error', onError).once('listening', onListening);
    try {
      previous = process.umask(0o077);
    } catch {
      // A worker thread: chmod when listening.
    }
    try {
      server.listen(path);
    } finally {
      if (previous !== undefined) process.umask(previous);
    }
  });
}

type Found = { held: true; holder: Holder | undefined } | { held: false };

/** Connects to the socket: accepted means a live holder (asked who it is), refused a stale file. */
async function whoHolds(path: string): Promise<Found> {
  const socket = await connectTo(path).catch((error: Error) => {
    throw new DataDirLockError(`could not reach the holder of the lock socket ${path}: ${error.message}`);
  });
  if (socket === ABSENT) return { held: false };
  const channel = channelOver(socket);
  try {
    const hello = await sayHello(channel);
    return { held: true, holder: hello && { pid: hello.pid, purpose: hello.purpose } };
  } finally {
    channel.close();
  }
}

/**
 * Replaces a stale socket with ours. Two starters after a crash could otherwise both unlink and
 * bind, the second unlinking the first's live socket: only the one that creates the takeover file
 * (O_EXCL) may, and it looks again under that guard. False when another starter is at it, or won.
 */
async function takeOver(server: Server, path: string, takeoverFile: string): Promise<boolean> {
  const guard = await claim(takeoverFile);
  if (!guard) return false;
  try {
    if ((await whoHolds(path)).held) return false;
    await unlink(path).catch(ignoreMissing);
    return await tryListen(server, path);
  } finally {
    await guard.release();
  }
}

async function claim(path: string): Promise<{ release(): Promise<void> } | undefined> {
  try {
    await (await open(path, 'wx', 0o600)).close();
    return { release: () => unlink(path).catch(ignoreMissing) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Left by a starter that died during its takeover; the next attempt claims it afresh.
    const made = await stat(path).then((s) => s.mtimeMs, ignoreMissing);
    if (made !== undefined && Date.now() - made > TAKEOVER_STALE_MS) await unlink(path).catch(ignoreMissing);
    return undefined;
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code !== 'ENOENT') throw error;
  return undefined;
}
