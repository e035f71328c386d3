/** The one error of instance administration; its routes map it to JSON or to a page. */
export class InstanceAdminError extends Error {
  override name = 'InstanceAdminError';
  constructor(
    readonly status: 404 | 409,
    readonly code: 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}
