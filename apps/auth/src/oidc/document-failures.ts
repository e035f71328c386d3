import { errors, type Provider } from 'oidc-provider';

/** How many failed documents are remembered at most; the oldest is forgotten first. */
const REMEMBERED = 1000;

/**
 * Remembers for `seconds` that a client ID metadata document could not be used (unreachable, not
 * 200, too large, not JSON, naming another `client_id`): oidc-provider caches only documents that
 * worked, so without this every request naming a failing URL would fetch it again, and anyone
 * could make us fetch as fast as they can send. Within that time the same error is answered
 * without a fetch; a fixed document is picked up once it runs out.
 */
export function rememberDocumentFailures(provider: Provider, { seconds }: { seconds: number }): void {
  const find = provider.Client.find.bind(provider.Client);
  const failures = new Map<string, { error: unknown; until: number }>();

  provider.Client.find = async (id: string) => {
    const now = Date.now();
    const remembered = failures.get(id);
    if (remembered && remembered.until > now) throw remembered.error;
    try {
      return await find(id);
    } catch (error) {
      if (isDocumentFailure(id, error)) {
        failures.delete(id);
        if (failures.size >= REMEMBERED) failures.delete(failures.keys().next().value!);
        failures.set(id, { error, until: now + seconds * 1000 });
      }
      throw error;
    }
  };
}

/** Only documents fail this way: a registered client's id is never an https URL. */
function isDocumentFailure(id: string, error: unknown): boolean {
  return (
    id.startsWith('https://') &&
    (error instanceof errors.InvalidClient || error instanceof errors.InvalidClientMetadata)
  );
}
