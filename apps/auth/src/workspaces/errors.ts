/** The one error of workspace administration; the routes map it to JSON or to a page. */
export class WorkspaceError extends Error {
  override name = 'WorkspaceError';
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: 'not_found' | 'invalid_request' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

/** Another workspace, a workspace where the user is only a member, or none at all: all look the same. */
export function workspaceNotFound(): WorkspaceError {
  return new WorkspaceError(404, 'not_found', 'No such workspace.');
}
