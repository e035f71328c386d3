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
  // Asked of every request: almost every value is clean, and that is told without naming a field.
  if (!holdsControlCharacter(value)) return undefined;
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

/**
 * Whether any string or key in `value` holds a control character, CR and LF included: the
 * allocation-free first pass of `fieldWithControlCharacter`, which names the field only when this
 * finds one. Iterative, like it.
 */
function holdsControlCharacter(value: unknown): boolean {
  if (typeof value === 'string') return hasControlCharacter(value);
  if (value === null || typeof value !== 'object') return false;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'string') {
      if (hasControlCharacter(current)) return true;
    } else if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) pending.push(current[i]);
    } else if (current !== null && typeof current === 'object') {
      for (const key in current) {
        if (!Object.hasOwn(current, key)) continue;
        if (hasControlCharacter(key)) return true;
        pending.push((current as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/** The path segment holding a control character once percent-decoded, as `path segment 2`. */
export function pathWithControlCharacter(url: string): string | undefined {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  // Nothing to decode and nothing to find: the common case, told without splitting.
  if (!path.includes('%') && !hasControlCharacter(path)) return undefined;
  const segments = path.split('/');
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
  // Callback hooks, not async ones: they run on every request, and a promise per hook per request
  // is measurable (docs/performance.md).
  app.addHook('onRequest', (request, reply, done) => {
    const field = pathWithControlCharacter(request.url) ?? fieldWithControlCharacter(request.query, 'query');
    if (field) refuse(request, reply, controlCharacterMessage(field));
    else done();
  });
  app.addHook('preValidation', (request, reply, done) => {
    const field = fieldWithControlCharacter(request.body, 'body', options);
    if (field) refuse(request, reply, controlCharacterMessage(field));
    else done();
  });
}

function sendJsonRefusal(_request: FastifyRequest, reply: FastifyReply, message: string): FastifyReply {
  return reply.status(400).send({ error: 'invalid_request', message });
}
