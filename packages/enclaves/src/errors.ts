/** The one error of the enclave domain: what went wrong, and what to do instead. */
export class EnclaveError extends Error {
  override name = 'EnclaveError';
  constructor(
    readonly kind: 'not_found' | 'invalid_input' | 'illegal_transition' | 'quota_exceeded',
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export function enclaveNotFound(id: string): EnclaveError {
  return new EnclaveError(
    'not_found',
    `Enclave ${id} was not found.`,
    'Call enclave_list to see the enclaves of this workspace and their ids.',
  );
}
