/** A route of a Fastify app: its method and URL pattern (`/api/v1/workspaces/:id`). */
export interface Route {
  method: string;
  url: string;
}

/**
 * Every route of a Fastify app, read back from `printRoutes`: its tree prints each node as the
 * text it adds to its parent's path, indented four columns a level, with the node's methods.
 */
export function routesOf(app: { printRoutes(options: { commonPrefix: false }): string }): Route[] {
  const prefixes: string[] = [];
  const routes: Route[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const url = (prefixes[depth - 1] ?? '') + match[2]!;
    prefixes[depth] = url;
    prefixes.length = depth + 1;
    for (const method of match[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') routes.push({ method, url });
    }
  }
  return routes;
}
