import type { IncomingMessage } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import {
  controlCharacterMessage,
  fieldWithControlCharacter,
  pathWithControlCharacter,
} from '@enclavia/config';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { errorPage } from '../web/page.js';
import { PROVIDER_ROUTES } from './provider.js';

/** oidc-provider's own limit on a request body. */
const BODY_LIMIT = 56 * 1024;
const PARSED_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

/**
 * The provider's routes never pass Fastify's guard (they are handed over before Fastify parses a
 * body), so the same rule is applied here: no control character in the path, the query or the
 * body. oidc-provider would otherwise store one in an Interaction or Client payload, where
 * PostgreSQL refuses NUL (a 500).
 */
export async function refuseControlCharactersInProvider(
  ctx: KoaContextWithOIDC,
  next: () => Promise<void>,
): Promise<void> {
  const body = await takeBody(ctx);
  if (body === TOO_LARGE) {
    return refuse(ctx, 'invalid_request', `The request body is larger than ${BODY_LIMIT / 1024} KB.`, 413);
  }
  const field =
    pathWithControlCharacter(ctx.originalUrl) ??
    fieldWithControlCharacter(ctx.query, 'query') ??
    fieldWithControlCharacter(body, 'body');
  if (field) return refuse(ctx, errorCode(ctx, field), controlCharacterMessage(field));
  await next();
}

const TOO_LARGE = Symbol('too large');

/**
 * Reads a JSON or form body to check it, then hands the text to oidc-provider, which takes an
 * already-read body from `ctx.request.body` and parses it as it would have (saying so once per
 * process on stderr: "already parsed request body detected"). The body as parsed, if any.
 */
async function takeBody(ctx: KoaContextWithOIDC): Promise<unknown> {
  const type = ctx.is(PARSED_TYPES);
  if (ctx.method !== 'POST' || !type || !ctx.req.readable) return undefined;
  const text = await readText(ctx.req);
  if (text === TOO_LARGE) return TOO_LARGE;
  (ctx.request as { body?: unknown }).body = text;
  return type === 'application/json' ? parseJson(text) : { ...parseForm(text) };
}

/**
 * The body as text, or TOO_LARGE as soon as it passes the limit (the rest is left unread). By its
 * events rather than an async iterator, which cost several promises per chunk on every token request.
 */
function readText(req: IncomingMessage): Promise<string | typeof TOO_LARGE> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    const done = (result: string | typeof TOO_LARGE) => {
      stop();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        req.pause();
        done(TOO_LARGE);
      } else chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks, size).toString('utf8'));
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // Closed before the end (the client went away): as the iterator did, a failure, not a hang.
    const onClose = () => onError(new Error('the request body ended prematurely'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** Invalid JSON is oidc-provider's to refuse, with its own message. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** RFC 7591 names the errors of registration metadata; everywhere else it is a bad request. */
function errorCode(ctx: KoaContextWithOIDC, field: string): string {
  if (ctx.method !== 'POST' || ctx.path !== PROVIDER_ROUTES.registration || !field.startsWith('body.')) {
    return 'invalid_request';
  }
  return field.startsWith('body.redirect_uris') ? 'invalid_redirect_uri' : 'invalid_client_metadata';
}

function refuse(ctx: KoaContextWithOIDC, error: string, message: string, status = 400): void {
  ctx.status = status;
  ctx.set('cache-control', 'no-store');
  if (ctx.accepts('json', 'html') === 'html') {
    const page = errorPage('This connection cannot continue', `${error}: ${message}`);
    ctx.set(page.headers);
    ctx.body = page.body;
    return;
  }
  ctx.body = { error, error_description: message };
}
