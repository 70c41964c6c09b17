// The HTTP port over fetch: JSON GET with a timeout; non-2xx answers become HttpStatusError,
// network failures TransientError (both retried by the core's withRetry where sensible).
import { TransientError } from '../../../shared/errors.js';
import type { HttpPort } from '../core/ports.js';
import { HttpStatusError } from '../core/retry.js';

export const fetchHttp: HttpPort = {
  async getJson(url, { headers, timeoutMs }) {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw error;
      throw new TransientError(`GET ${url}: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) throw new HttpStatusError(response.status, url, await response.text().catch(() => ''));
    return response.json();
  },
};
