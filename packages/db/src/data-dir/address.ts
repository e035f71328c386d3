import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { DataDirLockError } from './errors.js';

/** Where the holder of a data directory listens, and the file that guards taking over a stale socket. */
export interface LockAddress {
  /** A Unix domain socket next to the data directory, or a named pipe on Windows. */
  path: string;
  /** Undefined on Windows, where a named pipe vanishes with its process and nothing goes stale. */
  takeover: string | undefined;
}

// sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included.
const SOCKET_PATH_MAX_BYTES = 103;

export function lockAddress(dataDir: string): LockAddress {
  const canonical = canonicalPath(dataDir);
  if (process.platform === 'win32') {
    const hash = createHash('sha256').update(canonical.toLowerCase()).digest('hex');
    return { path: `\\\\.\\pipe\\enclavia-${hash}`, takeover: undefined };
  }
  const socket = `${canonical}.sock`;
  const fits = (path: string) => Buffer.byteLength(path) <= SOCKET_PATH_MAX_BYTES;
  const path = [socket, relative(process.cwd(), socket)].find(fits);
  if (!path) {
    throw new DataDirLockError(
      `DATA_DIR ${dataDir} is too long a path for its lock socket ${socket} (at most ${SOCKET_PATH_MAX_BYTES} bytes): choose a shorter DATA_DIR`,
    );
  }
  return { path, takeover: `${socket}.takeover` };
}

/**
 * The same directory reached through a symbolic link or a relative path must map to the same
 * socket, or two processes would both think they hold it.
 */
function canonicalPath(dataDir: string): string {
  const absolute = resolve(dataDir);
  for (const [path, rest] of [
    [absolute, ''],
    [dirname(absolute), basename(absolute)],
  ] as const) {
    try {
      return join(realpathSync(path), rest);
    } catch {
      // Not created yet.
    }
  }
  return absolute;
}
