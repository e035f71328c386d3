import { USER_AGENT } from '@enclavia/config';
import {
  ArcticFetchError,
  OAuth2RequestError,
  type OAuth2Tokens,
  UnexpectedErrorResponseBodyError,
  UnexpectedResponseError,
} from 'arctic';
import type { z } from 'zod';
import { UpstreamError } from './identity-provider.js';

const TIMEOUT_MS = 10_000;

/** Runs an arctic token exchange and turns its errors into ours. */
export async function exchange(label: string, run: () => Promise<OAuth2Tokens>): Promise<OAuth2Tokens> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OAuth2RequestError) {
      throw new UpstreamError('rejected', `${label} refused the sign-in (${error.code}).`, { cause: error });
    }
    if (error instanceof ArcticFetchError) {
      throw new UpstreamError('unavailable', `${label} could not be reached.`, { cause: error });
    }
    if (error instanceof UnexpectedResponseError && error.status >= 500) {
      throw new UpstreamError('unavailable', `${label} answered with an error (HTTP ${error.status}).`, {
        cause: error,
      });
    }
    if (error instanceof UnexpectedResponseError || error instanceof UnexpectedErrorResponseBodyError) {
      throw new UpstreamError('invalid_response', `${label} answered something unexpected.`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** A token's field, or `invalid_response` when the provider left it out. */
export function tokenField<T>(label: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UpstreamError('invalid_response', `${label} answered without the expected token.`, {
      cause: error,
    });
  }
}

/** GETs a JSON API with the upstream access token and checks the answer's shape. */
export async function getJson<S extends z.ZodType>(
  label: string,
  url: string,
  accessToken: string,
  schema: S,
  headers: Record<string, string> = {},
): Promise<z.output<S>> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
        'user-agent': USER_AGENT,
        ...headers,
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new UpstreamError('unavailable', `${label} could not be reached.`, { cause: error });
  }
  if (response.status >= 500)
    throw new UpstreamError('unavailable', `${label} answered with an error (HTTP ${response.status}).`);
  if (response.status !== 200)
    throw new UpstreamError('rejected', `${label} refused the request (HTTP ${response.status}).`);
  const body = await response.json().catch(() => undefined);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new UpstreamError('invalid_response', `${label} answered something unexpected.`);
  return parsed.data;
}
