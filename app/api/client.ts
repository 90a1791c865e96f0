/** A failed API call, with the server's `{error: {code, message, fields?}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Calls `/api/*` with a fresh App Bridge session token (they live a minute, so one per call). The server
 * trusts nothing else: the shop comes from the token.
 */
export async function api<T>(path: string, init: {method?: string; body?: unknown} = {}): Promise<T> {
  const token = await shopify.idToken();
  const res = await fetch(`/api${path}`, {
    method: init.method ?? 'GET',
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      ...(init.body === undefined ? {} : {'Content-Type': 'application/json'}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (json as {error?: {code?: string; message?: string; fields?: Record<string, string>}} | null)?.error;
    throw new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${res.status}`, error?.fields);
  }
  return json as T;
}
