import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { Provider } from 'oidc-provider';
import { z } from 'zod';

type Client = InstanceType<Provider['Client']>;

/** oidc-provider's store of one client's public keys (not in its types): what assertions are checked with. */
interface ClientKeyStore {
  /** Epoch seconds until which the keys fetched from `jwks_uri` count as current; unset before the first fetch. */
  freshUntil?: number;
  refresh(): Promise<void>;
  selectForVerify(header: { alg: string; kid?: string | undefined }): unknown[];
  clear(): void;
}

interface ClientInternals {
  asymmetricKeyStore: ClientKeyStore;
  /** Set on clients built from a client ID metadata document. */
  clientIdMetadataDocument?: boolean;
}

export interface ClientKeyPolicy {
  /** The longest keys from a `jwks_uri` are used before being fetched again, whatever its Cache-Control says. */
  maxAgeSeconds: number;
  /** The least time between two fetches caused by assertions naming keys the client does not have. */
  refetchCooldownSeconds: number;
  /** How many metadata-document clients (with a `jwks_uri`) are kept with their keys. */
  keptDocumentClients: number;
}

export const CLIENT_KEY_POLICY: ClientKeyPolicy = {
  maxAgeSeconds: 10 * 60,
  refetchCooldownSeconds: 30,
  keptDocumentClients: 100,
};

/**
 * Makes the keys of clients with a `jwks_uri` a cache. As oidc-provider leaves them, they are
 * fetched only when a check fails and then trusted for as long as they verify, however old, so a
 * key the client withdrew keeps working; a newly published key is not fetched for 60 s or more; and
 * a client built from a metadata document (ChatGPT) is built afresh for every request, so its keys
 * are fetched at every authentication. Here:
 * - a metadata-document client is kept, keys and all, while its document stays the same;
 * - keys serve for their Cache-Control age, from 60 s (oidc-provider's floor) to `maxAgeSeconds`,
 *   then are fetched before the next check, which fails if they cannot be;
 * - an assertion naming a key the client does not have (it rotated) has them fetched at once, at
 *   most once per `refetchCooldownSeconds`, so made-up `kid`s cannot turn us into a fetch loop.
 * The fetches stay oidc-provider's own, through its SSRF guard and our `guardedFetch`.
 */
export function keepClientKeys(provider: Provider, policy: ClientKeyPolicy = CLIENT_KEY_POLICY): void {
  const find = provider.Client.find.bind(provider.Client);
  const reuse = reuseDocumentClients(policy.keptDocumentClients);
  const prepare = keyPreparation(policy);
  provider.Client.find = async (id: string) => {
    const found = await find(id);
    if (!found?.jwksUri) return found;
    const client = reuse(found);
    prepare((client as unknown as ClientInternals).asymmetricKeyStore, assertionHeaderFor(id));
    return client;
  };
}

/**
 * Before a client's keys check an assertion, lets them serve or has oidc-provider fetch them again.
 * It fetches when the store is empty, or when a check fails once `freshUntil` has passed.
 */
function keyPreparation(policy: ClientKeyPolicy) {
  const lastForcedFetch = new WeakMap<ClientKeyStore, number>();
  const capAge = (store: ClientKeyStore) => {
    if (lastForcedFetch.has(store)) return;
    lastForcedFetch.set(store, Number.NEGATIVE_INFINITY);
    const refresh = store.refresh.bind(store);
    store.refresh = async () => {
      await refresh();
      store.freshUntil = Math.min(store.freshUntil ?? 0, epochSeconds() + policy.maxAgeSeconds);
    };
  };

  return (store: ClientKeyStore, header: AssertionHeader | undefined): void => {
    capAge(store);
    const now = epochSeconds();
    // Never fetched: the first check fetches them.
    if (store.freshUntil === undefined) return;
    // Too old: emptied, so the next check fetches them again, and fails if it cannot.
    if (store.freshUntil <= now) {
      store.clear();
      return;
    }
    if (!header || holdsKey(store, header)) return;
    if (now < lastForcedFetch.get(store)! + policy.refetchCooldownSeconds) return;
    // Out of date for this check only: it fails for want of the key, and then fetches them.
    lastForcedFetch.set(store, now);
    store.freshUntil = 0;
  };
}

/** Keeps one instance per metadata document, so its keys outlive the request. */
function reuseDocumentClients(limit: number): (client: Client) => Client {
  const kept = new Map<string, Client>();
  return (client) => {
    if (!(client as unknown as ClientInternals).clientIdMetadataDocument) return client;
    const key = createHash('sha256').update(JSON.stringify(client.metadata())).digest('base64url');
    const chosen = kept.get(key) ?? client;
    kept.delete(key);
    kept.set(key, chosen);
    if (kept.size > limit) kept.delete(kept.keys().next().value!);
    return chosen;
  };
}

const AssertionHeader = z.object({ alg: z.string(), kid: z.string().optional() });
type AssertionHeader = z.infer<typeof AssertionHeader>;

/** The header of the client assertion this request authenticates `clientId` with, if it does. */
function assertionHeaderFor(clientId: string): AssertionHeader | undefined {
  const assertion = Provider.ctx?.oidc?.params?.client_assertion;
  if (typeof assertion !== 'string') return undefined;
  try {
    if (decodeJwt(assertion).sub !== clientId) return undefined;
    return AssertionHeader.safeParse(decodeProtectedHeader(assertion)).data;
  } catch {
    return undefined;
  }
}

function holdsKey(store: ClientKeyStore, header: AssertionHeader): boolean {
  try {
    return store.selectForVerify(header).length > 0;
  } catch {
    // An algorithm no key can have: fetching again would not help.
    return true;
  }
}

function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
