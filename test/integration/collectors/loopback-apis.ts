// A server on 127.0.0.1 speaking the Electricity Maps v3 and cloudping formats, for the collectors'
// live paths. Electricity Maps: `auth-token` header required (401 otherwise); the first request
// answers 429 to exercise the retries; forecasts answer 403 (not in the plan) unless enabled.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackApis {
  url: string;
  requests: { path: string; token?: string; status: number }[];
  close(): Promise<void>;
}

export const HOURLY = (hour: number) => 100 + 5 * hour;

export async function startLoopbackApis(options: { token: string; forecast?: boolean }): Promise<LoopbackApis> {
  const requests: LoopbackApis['requests'] = [];
  let first429 = true;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = req.headers['auth-token'] as string | undefined;
    const send = (status: number, body: unknown) => {
      requests.push({ path: `${url.pathname}${url.search}`, token, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/v3/')) {
      if (token !== options.token) return send(401, { status: 'error', message: 'Invalid auth-token' });
      if (first429) {
        first429 = false;
        return send(429, { status: 'error', message: 'Too many requests' });
      }
      const zone = url.searchParams.get('zone');
      if (url.pathname === '/v3/carbon-intensity/past-range') {
        const start = Date.parse(url.searchParams.get('start')!);
        const end = Date.parse(url.searchParams.get('end')!);
        const data = [];
        for (let t = start; t < end; t += 3_600_000) {
          const at = new Date(t);
          data.push({
            zone,
            carbonIntensity: HOURLY(at.getUTCHours()),
            datetime: at.toISOString(),
            updatedAt: at.toISOString(),
            createdAt: at.toISOString(),
            emissionFactorType: 'lifecycle',
            isEstimated: false,
            estimationMethod: null,
          });
        }
        return send(200, { zone, data });
      }
      if (url.pathname === '/v3/carbon-intensity/forecast') {
        if (!options.forecast) return send(403, { status: 'error', message: 'Your plan does not include forecasts' });
      }
      return send(404, { status: 'error', message: 'not found' });
    }
    if (url.pathname === '/api/latencies') {
      const scale: Record<string, number> = { p_10: 0.9, p_25: 0.95, p_50: 1, p_75: 1.05, p_90: 1.12, p_98: 1.3, p_99: 1.4 };
      const s = scale[url.searchParams.get('percentile') ?? ''];
      if (!s || url.searchParams.get('timeframe') !== '1W') return send(400, { error: 'bad percentile or timeframe' });
      // Two regions' rows, as cloudping answers (ms, round trip).
      return send(200, {
        data: { 'us-east-1': { 'us-east-1': 6 * s, 'eu-west-1': 68 * s }, 'eu-west-1': { 'us-east-1': 69 * s, 'eu-west-1': 4 * s } },
      });
    }
    return send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
