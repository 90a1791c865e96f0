import {signedHeaders} from '../domain/worker-signature';

/** Tries of one call the host answers busy (503 with Retry-After) before the job fails (and BullMQ retries it). */
const BUSY_TRIES = 12;
const MAX_WAIT_S = 30;

/** The app host refused a call for good (4xx): retrying the job cannot change the answer. */
export class HostRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A worker's signed calls to the app host's /internal/* endpoints, on its internal listener (PAIRWISE_APP_URL). */
export class AppHost {
  constructor(
    private readonly baseUrl: string,
    private readonly secret: string,
  ) {}

  /**
   * Sends a signed request; a 4xx is HostRefused, a 5xx or a network failure an Error (BullMQ retries those).
   * A 503 with Retry-After (the host's upload slots are taken) is sent again, signed anew, after that wait.
   */
  async request(method: 'GET' | 'POST', path: string, body?: Uint8Array, contentType = 'application/json'): Promise<Response> {
    const payload = body ?? new Uint8Array();
    let res: Response;
    for (let attempt = 1; ; attempt++) {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {...signedHeaders(this.secret, method, path, payload), ...(body ? {'content-type': contentType} : {})},
        body: method === 'POST' ? payload : undefined,
      });
      const wait = Number(res.headers.get('retry-after') ?? NaN);
      if (res.status !== 503 || !(wait >= 0) || attempt === BUSY_TRIES) break;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, Math.min(wait, MAX_WAIT_S) * 1000));
    }
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
