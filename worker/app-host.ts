import {signedHeaders} from '../domain/worker-signature';

/** The app host refused a call for good (4xx): retrying the job cannot change the answer. */
export class HostRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A worker's signed calls to the app host's /internal/* endpoints. */
export class AppHost {
  constructor(
    private readonly baseUrl: string,
    private readonly secret: string,
  ) {}

  /** Sends a signed request; a 4xx is HostRefused, a 5xx or a network failure an Error (BullMQ retries those). */
  async request(method: 'GET' | 'POST', path: string, body?: Uint8Array, contentType = 'application/json'): Promise<Response> {
    const payload = body ?? new Uint8Array();
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {...signedHeaders(this.secret, method, path, payload), ...(body ? {'content-type': contentType} : {})},
      body: method === 'POST' ? payload : undefined,
    });
    if (res.ok) return res;
    const text = await res.text();
    let message = text.slice(0, 500);
    try {
      message = (JSON.parse(text) as {error?: {message?: string}}).error?.message ?? message;
    } catch {
      // not JSON: the text as it came
    }
    if (res.status >= 400 && res.status < 500) throw new HostRefused(res.status, `${method} ${path.split('?')[0]}: ${res.status} ${message}`);
    throw new Error(`${method} ${path.split('?')[0]}: ${res.status} ${message}`);
  }

  post(path: string, json: unknown): Promise<Response> {
    return this.request('POST', path, Buffer.from(JSON.stringify(json)));
  }
}
