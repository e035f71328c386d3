/** POSTs `body` to /register (RFC 7591) as it is: the status and the JSON answer. */
export async function registration(issuer: string, body: Record<string, unknown>) {
  const response = await fetch(`${issuer}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Registers a public client by RFC 7591 dynamic client registration, as MCP clients do. */
export async function registerClient(
  issuer: string,
  redirectUri: string,
  extra: Record<string, unknown> = {},
) {
  const { status, body } = await registration(issuer, {
    client_name: 'PKCE probe',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...extra,
  });
  if (status !== 201) throw new Error(`registration failed: ${status} ${JSON.stringify(body)}`);
  return body as { client_id: string; client_secret?: string };
}
