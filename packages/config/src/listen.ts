import type { FastifyInstance } from 'fastify';

/** A listener that could not be opened, said as what to change; printed alone, without a stack. */
export class ListenError extends Error {
  override name = 'ListenError';
}

export interface ListenSettings {
  host: string;
  port: number;
  /** The variables that set them, named in the one line an operator reads. */
  hostSetting: string;
  portSetting: string;
}

/** `app.listen`, with the errors an operator causes turned into one line naming the setting. */
export async function listenOrExplain(app: FastifyInstance, settings: ListenSettings): Promise<void> {
  try {
    await app.listen({ host: settings.host, port: settings.port });
  } catch (error) {
    throw explainListenError(error, settings) ?? error;
  }
}

export function explainListenError(error: unknown, s: ListenSettings): ListenError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new ListenError(
      `Port ${s.port} on ${s.host} is in use (is Enclavia already running?): start on another port with ${s.portSetting}=…`,
    );
  }
  if (code === 'EACCES') {
    return new ListenError(
      `Port ${s.port} needs privileges this process does not have: use a port above 1023 with ${s.portSetting}=…`,
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ListenError(
      `${s.hostSetting}=${s.host} is not an address of this machine: set ${s.hostSetting} to one of its addresses (127.0.0.1, or 0.0.0.0 for all)`,
    );
  }
  return undefined;
}
