import { policyTrustingIssuer, type WorkspacePolicy } from '@enclavia/access';
import type { Database } from '@enclavia/db';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { issuerProblem } from '../workspaces/policy.js';
import type { IssuerKeys } from './issuer-keys.js';

/** The JOSE `typ` of an Identity Assertion JWT Authorization Grant. */
export const ID_JAG_TYP = 'oauth-id-jag+jwt';

/** The longest an ID-JAG may live (`exp` − `iat`): the extension's IdPs issue them for minutes. */
export const ID_JAG_MAX_LIFETIME_SECONDS = 5 * 60;

/** How far apart our clock and the IdP's may be. */
const CLOCK_SKEW_SECONDS = 60;

/** The algorithms an IdP may sign with: what Okta and Entra use, nothing symmetric or `none`. */
const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'];

/** One rule an ID-JAG broke; the token endpoint answers `invalid_grant` with this as description. */
export class IdJagRefused extends Error {
  override name = 'IdJagRefused';
  constructor(
    /** A short name of the rule, for the audit log. */
    readonly rule: string,
    message: string,
    /** The workspace that trusts the issuer, once known: where the refusal is audited. */
    readonly workspaceId?: string,
  ) {
    super(message);
  }
}

const Claims = z.object({
  iss: z.string(),
  sub: z.string().min(1).max(255),
  aud: z.union([z.string(), z.array(z.string()).length(1)]),
  resource: z.string(),
  client_id: z.string(),
  jti: z.string().min(1).max(255),
  exp: z.number(),
  iat: z.number(),
  scope: z.string().optional(),
  email: z.string().max(320).optional(),
  email_verified: z.boolean().optional(),
});
export type IdJagClaims = z.infer<typeof Claims>;

export interface TrustedIdJag {
  claims: IdJagClaims;
  workspaceId: string;
  policy: WorkspacePolicy;
}

export interface IdJagContext {
  db: Database;
  keys: IssuerKeys;
  production: boolean;
  /** Our issuer: the audience an ID-JAG must name. */
  issuer: string;
  /** Every spelling of our MCP server's resource identifier. */
  resources: ReadonlySet<string>;
  /** The client that authenticated at the token endpoint. */
  clientId: string;
  /** Spends a `jti` for good (false: it was spent before), in the store every process shares. */
  spendJti(issuer: string, jti: string, exp: number): Promise<boolean>;
}

/**
 * Checks an ID-JAG rule by rule, each a step of its own, and says which one failed: its header, its
 * issuer (trusted by a workspace now, read per request so removing it stops grants at once), its
 * signature, its audience, resource and client, its lifetime, and last its `jti`, spent only once
 * everything else holds.
 */
export async function verifyIdJag(assertion: string, context: IdJagContext): Promise<TrustedIdJag> {
  assertIdJagType(assertion);
  const { workspaceId, policy, issuer } = await trustingWorkspace(assertion, context);
  const claims = await verifySignature(assertion, issuer, workspaceId, context);
  const refuse = (rule: string, message: string) => new IdJagRefused(rule, message, workspaceId);
  const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  if (!sameIssuer(audience!, context.issuer))
    throw refuse('audience', `the ID-JAG's aud must be this authorization server (${context.issuer})`);
  if (!context.resources.has(claims.resource))
    throw refuse('resource', `the ID-JAG's resource must be this MCP server (${[...context.resources][0]})`);
  if (claims.client_id !== context.clientId)
    throw refuse('client', "the ID-JAG's client_id is not the client that authenticated");
  if (claims.exp - claims.iat > ID_JAG_MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS)
    throw refuse('lifetime', `an ID-JAG may live at most ${ID_JAG_MAX_LIFETIME_SECONDS} seconds`);
  if (claims.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS)
    throw refuse('lifetime', 'the ID-JAG was issued in the future');
  if (!(await context.spendJti(issuer, claims.jti, claims.exp + CLOCK_SKEW_SECONDS)))
    throw refuse('replayed', 'this ID-JAG (its jti) was used already');
  return { claims, workspaceId, policy };
}

function assertIdJagType(assertion: string): void {
  let typ: unknown;
  try {
    typ = decodeProtectedHeader(assertion).typ;
  } catch {
    throw new IdJagRefused('malformed', 'the assertion is not a JWT');
  }
  if (typeof typ !== 'string' || typ.toLowerCase() !== ID_JAG_TYP)
    throw new IdJagRefused('typ', `the assertion's typ must be ${ID_JAG_TYP}`);
}

/** The workspace whose policy trusts the assertion's issuer. */
async function trustingWorkspace(assertion: string, { db, production }: IdJagContext) {
  let issuer: unknown;
  try {
    issuer = decodeJwt(assertion).iss;
  } catch {
    throw new IdJagRefused('malformed', 'the assertion is not a JWT');
  }
  if (typeof issuer !== 'string') throw new IdJagRefused('issuer', 'the ID-JAG names no issuer');
  const trusted = await policyTrustingIssuer(db, issuer);
  if (!trusted) throw new IdJagRefused('issuer', `the issuer ${issuer} is not trusted by any workspace`);
  if (issuerProblem(issuer, { production }))
    throw new IdJagRefused('issuer', `the issuer ${issuer} must be https`, trusted.workspaceId);
  return { ...trusted, issuer };
}

async function verifySignature(
  assertion: string,
  issuer: string,
  workspaceId: string,
  { keys }: IdJagContext,
): Promise<IdJagClaims> {
  const refuse = (rule: string, message: string) => new IdJagRefused(rule, message, workspaceId);
  let getKey: Awaited<ReturnType<IssuerKeys['keysOf']>>;
  try {
    getKey = await keys.keysOf(issuer);
  } catch (error) {
    throw refuse('keys', `the issuer's keys could not be fetched: ${(error as Error).message}`);
  }
  try {
    const { payload } = await jwtVerify(assertion, getKey, {
      issuer,
      typ: ID_JAG_TYP,
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['exp', 'iat'],
    });
    const claims = Claims.safeParse(payload);
    if (!claims.success) {
      const missing = claims.error.issues.map((i) => i.path.join('.')).join(', ');
      throw refuse('claims', `the ID-JAG lacks or misstates: ${missing}`);
    }
    return claims.data;
  } catch (error) {
    if (error instanceof IdJagRefused) throw error;
    if (error instanceof joseErrors.JWTExpired) throw refuse('expired', 'the ID-JAG has expired');
    if (error instanceof joseErrors.JWTClaimValidationFailed)
      throw refuse('claims', `the ID-JAG's ${error.claim} claim is not valid`);
    throw refuse('signature', "the ID-JAG's signature is not the issuer's");
  }
}

/** Issuer URLs compare exactly, but for one trailing slash (clients add it, or drop it). */
function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/$/, '') === b.replace(/\/$/, '');
}
