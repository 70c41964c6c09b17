// The runtime's HTTP endpoint on loopback: the Lambda `Invoke` API (RequestResponse, Event,
// DryRun), every other Lambda API call proxied to the emulator (so one AWS_ENDPOINT_URL_LAMBDA
// serves SDK clients completely), and `/_local/*` admin routes used by the CLI and tests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalRuntime } from './runtime.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { TooManyRequestsException, parseThrottleRules } from './throttle.js';

const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const CREATE = /^\/2015-03-31\/functions\/?$/;
const UPDATE_CODE = /^\/2015-03-31\/functions\/([^/]+)\/code\/?$/;

export function regionOfRequest(headers: http.IncomingHttpHeaders, fallback: string): string {
  const auth = headers.authorization ?? '';
  const match = /Credential=[^/]+\/\d{8}\/([^/]+)\/lambda\//.exec(auth);
  return match?.[1] ?? fallback;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function lambdaError(res: http.ServerResponse, status: number, type: string, message: string): void {
  json(res, status, { Type: 'User', message }, { 'x-amzn-ErrorType': type });
}

export interface ServerOptions {
  runtime: LocalRuntime;
  emulatorUrl: string;
  defaultRegion: string;
  host: string;
  port: number;
  log: (line: string) => void;
}

export function startServer(options: ServerOptions): Promise<http.Server> {
  const { runtime } = options;
  const emulator = new URL(options.emulatorUrl);

  async function proxy(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, region: string): Promise<void> {
    await new Promise<void>((resolve) => {
      const upstream = http.request(
        {
          host: emulator.hostname,
          port: emulator.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: emulator.host, 'content-length': String(body.length) },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.on('end', resolve);
        },
      );
      upstream.on('error', (error) => {
        lambdaError(res, 502, 'ServiceException', `local runtime could not reach the emulator at ${options.emulatorUrl}: ${error.message}`);
        resolve();
      });
      upstream.end(body);
    });
    // Anything that may change functions or mappings: pick it up now, not at the next refresh.
    if (req.method !== 'GET' && (res.statusCode ?? 500) < 300) await runtime.refresh(region).catch(() => undefined);
  }

  async function invoke(req: http.IncomingMessage, res: http.ServerResponse, ref: string, body: Buffer, region: string): Promise<void> {
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    let fn;
    try {
      fn = await runtime.resolveFunction(ref, region);
    } catch (error) {
      if (error instanceof NotFoundError) return lambdaError(res, 404, 'ResourceNotFoundException', error.message);
      throw error;
    }
    const text = body.toString('utf8');
    let event: unknown;
    try {
      event = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      return lambdaError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json: the payload must be JSON');
    }
    // Lambda's request payload limits: 6 MB synchronous, 1 MB asynchronous (256 KB before late 2025).
    const limit = type === 'Event' ? 1024 * 1024 : 6 * 1024 * 1024;
    if (body.length > limit) {
      return lambdaError(
        res,
        413,
        'RequestEntityTooLargeException',
        `Request must be smaller than ${limit} bytes for the ${type} invocation type`,
      );
    }
    if (type === 'DryRun') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (type === 'Event') {
      const requestId = runtime.invokeAsync(fn.arn, text);
      res.writeHead(202, { 'x-amzn-RequestId': requestId, 'Content-Length': 0 });
      res.end();
      return;
    }
    if (type !== 'RequestResponse')
      return lambdaError(
        res,
        400,
        'InvalidParameterValueException',
        `InvocationType must be RequestResponse, Event or DryRun, got ${type}`,
      );
    let result;
    try {
      result = await runtime.invoke(fn, event);
    } catch (error) {
      // Lambda's throttle: 429 with the reason; the SDK retries it as a throttling error.
      if (error instanceof TooManyRequestsException)
        return json(
          res,
          429,
          { Reason: error.reason, Type: 'User', message: error.message },
          { 'x-amzn-ErrorType': 'TooManyRequestsException' },
        );
      throw error;
    }
    const headers: Record<string, string> = { 'x-amzn-RequestId': result.requestId, 'X-Amz-Executed-Version': '$LATEST' };
    if (!result.ok) headers['X-Amz-Function-Error'] = 'Unhandled';
    if (req.headers['x-amz-log-type'] === 'Tail') {
      const tail = Buffer.from(result.logLines.join('\n') + '\n').subarray(-4096);
      headers['X-Amz-Log-Result'] = tail.toString('base64');
    }
    json(res, 200, result.ok ? result.payload : result.error, headers);
  }

  async function admin(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /_local/health') return json(res, 200, { ok: true, pid: process.pid, emulator: options.emulatorUrl });
    if (route === 'GET /_local/status') return json(res, 200, runtime.status());
    if (route === 'GET /_local/invocations') return json(res, 200, runtime.recent);
    if (route === 'POST /_local/refresh') {
      runtime.codeStore.scanDirs();
      await Promise.all([...runtime.activeRegions].map((r) => runtime.refresh(r, true)));
      return json(res, 200, { ok: true });
    }
    if (route === 'POST /_local/code') {
      const sha = runtime.codeStore.registerZip(new Uint8Array(body));
      return json(res, 200, { codeSha256: sha });
    }
    if (route === 'POST /_local/code-dirs') {
      const { dir } = JSON.parse(body.toString('utf8')) as { dir: string };
      runtime.codeStore.registerDir(dir);
      return json(res, 200, { dirs: runtime.codeStore.knownDirs });
    }
    if (route === 'POST /_local/clock') {
      const { speed, nowIso } = JSON.parse(body.toString('utf8') || '{}') as { speed?: number; nowIso?: string };
      runtime.clock.set({ speed, nowMs: nowIso ? Date.parse(nowIso) : undefined });
      runtime.scheduler.replan();
      return json(res, 200, { nowIso: new Date(runtime.clock.now()).toISOString(), speed: runtime.clock.speed });
    }
    if (route === 'GET /_local/throttle') return json(res, 200, runtime.throttle.status());
    if (route === 'POST /_local/throttle') {
      try {
        runtime.throttle.set(parseThrottleRules(body.toString('utf8'), 'POST /_local/throttle'));
      } catch (error) {
        if (error instanceof ValidationError) return json(res, 400, { message: error.message });
        throw error;
      }
      return json(res, 200, runtime.throttle.status());
    }
    return json(res, 404, { message: `no admin route ${route}` });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const region = regionOfRequest(req.headers, options.defaultRegion);
    readBody(req)
      .then(async (body) => {
        if (url.pathname.startsWith('/_local/')) return admin(req, res, url, body);
        const inv = INVOKE.exec(url.pathname);
        if (inv && req.method === 'POST') return invoke(req, res, decodeURIComponent(inv[1]!), body, region);
        if ((CREATE.test(url.pathname) && req.method === 'POST') || (UPDATE_CODE.test(url.pathname) && req.method === 'PUT')) {
          // Remember the code so its CodeSha256 resolves without any other source.
          let spec: {
            ZipFile?: string;
            S3Bucket?: string;
            S3Key?: string;
            Code?: { ZipFile?: string; S3Bucket?: string; S3Key?: string };
          } = {};
          try {
            spec = JSON.parse(body.toString('utf8')) as typeof spec;
          } catch {
            // Not JSON: the emulator answers with the right error.
          }
          const code = spec.Code ?? spec;
          if (code.ZipFile) runtime.codeStore.registerZip(new Uint8Array(Buffer.from(code.ZipFile, 'base64')));
          await proxy(req, res, body, region);
          if (code.S3Bucket && code.S3Key) {
            await runtime.codeStore
              .registerS3Object(code.S3Bucket, code.S3Key)
              .catch((error: Error) => options.log(`code from s3://${code.S3Bucket}/${code.S3Key}: ${error.message}`));
          }
          return;
        }
        return proxy(req, res, body, region);
      })
      .catch((error: Error) => {
        options.log(`${req.method} ${req.url}: ${error.stack ?? error.message}`);
        if (!res.headersSent) lambdaError(res, 500, 'ServiceException', `local runtime: ${error.message}`);
        else res.end();
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
      options.log(`local Lambda runtime listening on http://${options.host}:${port}`);
      resolve(server);
    });
  });
}
