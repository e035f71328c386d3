import { refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { Credential } from './credential.js';
import type { LoginStore, StoredLogin } from './login-store.js';

/** Refresh this long before the server's expiry, so a token does not run out in flight. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * The stored login as a credential: the access token, refreshed when it has expired (or was
 * refused), with the rotated refresh token saved back at once. One refresh at a time, so
 * concurrent requests never present the same refresh token twice; and the file is read again
 * first, because another enclavia process (a stdio server running for hours, a command) may have
 * rotated the login meanwhile: presenting the old refresh token again would be taken for theft
 * once the server's reuse grace has passed, and revoke the grant.
 */
export function loginCredential(store: LoginStore, initial: StoredLogin): Credential {
  let login = initial;
  let refreshing: Promise<boolean> | undefined;

  const refresh = async () => {
    const saved = savedCopyOf(store, login);
    if (saved && saved.refreshToken !== login.refreshToken) {
      login = saved;
      if (isFresh(saved)) return true;
    }
    try {
      login = await refreshLogin(login);
      store.save(login);
      return true;
    } catch {
      return false;
    }
  };
  const refreshOnce = () => {
    refreshing ??= refresh().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };

  return {
    label: 'the stored login',
    advice: 'run `enclavia auth login` again',
    async accessToken() {
      if (!isFresh(login)) await refreshOnce();
      return login.accessToken;
    },
    renew: refreshOnce,
  };
}

function isFresh(login: StoredLogin): boolean {
  return login.expiresAt === undefined || login.expiresAt - EXPIRY_MARGIN_MS > Date.now();
}

/** The login in the file now, if it is still this sign-in (same deployment and client). */
function savedCopyOf(store: LoginStore, login: StoredLogin): StoredLogin | undefined {
  try {
    const saved = store.read();
    return saved && saved.url === login.url && saved.clientId === login.clientId ? saved : undefined;
  } catch {
    return undefined;
  }
}

async function refreshLogin(login: StoredLogin): Promise<StoredLogin> {
  if (!login.refreshToken) throw new Error('no refresh token');
  const tokens = await refreshAuthorization(login.authorizationServer, {
    metadata: { token_endpoint: login.tokenEndpoint } as OAuthMetadata,
    clientInformation: { client_id: login.clientId },
    refreshToken: login.refreshToken,
    resource: new URL(login.url),
  });
  return { ...login, ...tokensToStore(tokens) };
}

/** The parts of a token response the login keeps. */
export function tokensToStore(tokens: {
  access_token: string;
  refresh_token?: string | undefined;
  expires_in?: number | undefined;
  scope?: string | undefined;
}): Pick<StoredLogin, 'accessToken' | 'refreshToken' | 'expiresAt' | 'scope'> {
  return {
    accessToken: tokens.access_token,
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    ...(tokens.expires_in !== undefined ? { expiresAt: Date.now() + tokens.expires_in * 1000 } : {}),
    ...(tokens.scope ? { scope: tokens.scope } : {}),
  };
}
