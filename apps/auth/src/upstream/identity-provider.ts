export type UpstreamProviderId = 'github' | 'google';

/** Who the upstream provider says signed in. Only verified emails ever get this far. */
export interface UpstreamIdentity {
  provider: UpstreamProviderId;
  /** The provider's stable account id. */
  subject: string;
  email: string;
}

/**
 * One upstream identity provider, behind the smallest interface the login needs, so the library
 * underneath (arctic today) can be replaced without touching the routes.
 */
export interface UpstreamIdentityProvider {
  id: UpstreamProviderId;
  /** The name on the button: "Continue with GitHub". */
  label: string;
  /** Where the browser goes; its origin must be allowed as a form target. */
  authorizationUrl(state: string, codeVerifier: string): URL;
  /** Exchanges the callback's code and returns the verified identity; keeps no upstream token. */
  identify(code: string, codeVerifier: string): Promise<UpstreamIdentity>;
}

export type UpstreamFailure =
  /** The provider could not be reached, or answered 5xx. */
  | 'unavailable'
  /** The provider answered something we do not understand. */
  | 'invalid_response'
  /** The provider refused the code (expired, used, or not ours). */
  | 'rejected'
  /** The account has no verified email we can trust. */
  | 'unverified_email';

export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly kind: UpstreamFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
