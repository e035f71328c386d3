import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const CR = 0x0d;
const LF = 0x0a;

/**
 * C0 controls and DEL. No identifier, token, name, email or URL of this product holds one, and
 * PostgreSQL refuses NUL in `text` and `jsonb` outright (a 500 if it got that far). A textarea
 * submits its lines separated by CR LF, so `lines` lets those two through and nothing else.
 */
function hasControlCharacter(value: string, lines = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x20 && code !== 0x7f) continue;
    if (lines && (code === CR || code === LF)) continue;
    return true;
  }
  return false;
}

export interface ControlCharacterOptions {
  /** Top-level fields whose value is lines (textareas): CR and LF pass there, nothing else does. */
  multiLineFields?: readonly string[];
}

/**
 * The name of a field of `value` (keys included) holding a control character, as
 * `where.name[0]`, or undefined. Iterative, so a body nested 250,000 levels deep cannot overflow
 * the stack.
 */
export function fieldWithControlCharacter(
  value: unknown,
  where: string,
  { multiLineFields = [] }: ControlCharacterOptions = {},
): string | undefined {
  const multiLine = new Set(multiLineFields.map((f) => `${where}.${f}`));
  const pending: Array<[unknown, string]> = [[value, where]];
  while (pending.length > 0) {
    const [current, name] = pending.pop()!;
    if (typeof current === 'string') {
      const lines = multiLine.has(name) || multiLine.has(name.replace(/\[\d+\]$/, ''));
      if (hasControlCharacter(current, lines)) return name;
    } else if (Array.isArray(current)) {
      for (const [i, item] of current.entries()) pending.push([item, `${name}[${i}]`]);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (hasControlCharacter(key)) return `${name} (a field name)`;
        pending.push([item, `${name}.${key}`]);
      }
    }
  }
  return undefined;
}

/** The path segment holding a control character once percent-decoded, as `path segment 2`. */
export function pathWithControlCharacter(url: string): string | undefined {
  const segments = url.split('?', 1)[0]!.split('/');
  for (const [i, segment] of segments.entries()) {
    if (hasControlCharacter(segment) || hasControlCharacter(decodedOrRaw(segment)))
      return `path segment ${i}`;
  }
  return undefined;
}

/** Malformed escapes are the router's to refuse; here only what decodes to a control counts. */
function decodedOrRaw(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function controlCharacterMessage(field: string): string {
  return `${field} contains a control character (such as NUL, tab, CR or LF), which this field may not hold.`;
}

export interface RefuseControlCharactersOptions extends ControlCharacterOptions {
  /** How the 400 is sent; by default JSON `{ error: 'invalid_request', message }`. */
  refuse?: (request: FastifyRequest, reply: FastifyReply, message: string) => FastifyReply;
}

/**
 * The one place a Fastify app refuses control characters in the path, the query and the parsed
 * body, for every route (and for unknown ones), before any handler or database sees them.
 */
export function refuseControlCharacters(
  app: FastifyInstance,
  { refuse = sendJsonRefusal, ...options }: RefuseControlCharactersOptions = {},
): void {
  app.addHook('onRequest', async (request, reply) => {
    const field = pathWithControlCharacter(request.url) ?? fieldWithControlCharacter(request.query, 'query');
    if (field) return refuse(request, reply, controlCharacterMessage(field));
  });
  app.addHook('preValidation', async (request, reply) => {
    const field = fieldWithControlCharacter(request.body, 'body', options);
    if (field) return refuse(request, reply, controlCharacterMessage(field));
  });
}

function sendJsonRefusal(_request: FastifyRequest, reply: FastifyReply, message: string): FastifyReply {
  return reply.status(400).send({ error: 'invalid_request', message });
}
