// One Lambda execution environment: a child process forked by the local runtime (worker-pool.ts)
// with the function's own environment. Plain JavaScript so a cold start costs what Node costs.
// Protocol over the IPC channel:
//   parent → {type:'invoke', requestId, event, deadlineMs, context}
//   child  → {type:'log', text} (everything written to stdout/stderr, in order)
//            {type:'result', requestId, ok, payload | error, initDurationMs?, maxRssKiB}
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import { formatWithOptions } from 'node:util';

const send = (message) => process.send?.(message);

// Route stdout/stderr through IPC so log lines stay ordered with the invocation's result.
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, callback) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    send({ type: 'log', text });
    if (typeof encoding === 'function') encoding();
    else if (typeof callback === 'function') callback();
    return true;
  };
}

let currentRequestId;
// The Node.js Lambda runtime prefixes console output with time, request id and level.
const format =
  (level) =>
  (...args) => {
    const text = formatWithOptions({}, ...args).replace(/\n/g, '\r');
    process.stdout.write(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${text}\n`);
  };
console.log = format('INFO');
console.info = format('INFO');
console.warn = format('WARN');
console.error = format('ERROR');
console.debug = format('DEBUG');
console.trace = format('TRACE');

let handler;
let initError;
let initDurationMs;

async function init() {
  const started = performance.now();
  const spec = process.env._HANDLER ?? 'index.handler';
  const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const dot = spec.lastIndexOf('.');
  const modulePath = spec.slice(0, dot);
  const exportName = spec.slice(dot + 1);
  try {
    const candidates = ['.mjs', '.js', '.cjs'].map((ext) => path.join(taskRoot, modulePath + ext));
    const file = candidates.find((candidate) => fs.existsSync(candidate));
    if (!file) throw Object.assign(new Error(`Cannot find module '${modulePath}' in ${taskRoot}`), { name: 'Runtime.ImportModuleError' });
    const mod = await import(pathToFileURL(file).href);
    handler = mod[exportName] ?? mod.default?.[exportName];
    if (typeof handler !== 'function') {
      throw Object.assign(new Error(`${spec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
    }
  } catch (error) {
    initError = error;
  }
  initDurationMs = performance.now() - started;
}

function errorPayload(error) {
  if (error instanceof Error) {
    return { errorType: error.name || 'Error', errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : JSON.stringify(error), trace: [] };
}

function invokeHandler(event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (error, result) => {
      if (settled) return;
      settled = true;
      if (error !== null && error !== undefined) reject(error);
      else resolve(result);
    };
    context.done = done;
    context.succeed = (result) => done(null, result);
    context.fail = (error) => done(error ?? new Error('handled'));
    try {
      const out = handler.length >= 3 ? handler(event, context, done) : handler(event, context);
      if (out && typeof out.then === 'function')
        out.then(
          (result) => done(null, result),
          (error) => done(error),
        );
      else if (handler.length < 3) done(null, out);
    } catch (error) {
      done(error);
    }
  });
}

process.on('message', async (message) => {
  if (message?.type !== 'invoke') return;
  const cold = handler === undefined && initError === undefined;
  if (cold) await init();
  const { requestId, event, deadlineMs, context: base } = message;
  currentRequestId = requestId;
  const context = {
    ...base,
    awsRequestId: requestId,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
  let reply;
  if (initError) {
    console.error('Init Error', JSON.stringify(errorPayload(initError)));
    reply = { ok: false, error: errorPayload(initError) };
  } else {
    try {
      const payload = await invokeHandler(event, context);
      // Lambda returns the JSON serialization of the result (undefined → null).
      let text;
      try {
        text = JSON.stringify(payload);
      } catch (error) {
        throw Object.assign(new Error(`Unable to stringify response body: ${error.message}`), { name: 'Runtime.SerializationError' });
      }
      reply = { ok: true, payload: text === undefined ? null : JSON.parse(text) };
    } catch (error) {
      const body = errorPayload(error);
      console.error('Invoke Error', JSON.stringify(body));
      reply = { ok: false, error: body };
    }
  }
  currentRequestId = undefined;
  send({
    type: 'result',
    requestId,
    ...reply,
    initDurationMs: cold ? initDurationMs : undefined,
    maxRssKiB: process.resourceUsage().maxRSS,
  });
});

process.on('uncaughtException', (error) => {
  console.error('Uncaught Exception', JSON.stringify(errorPayload(error)));
  send({ type: 'crash', error: errorPayload(error) });
  process.exit(129);
});
process.on('unhandledRejection', (error) => {
  console.error('Unhandled Promise Rejection', JSON.stringify(errorPayload(error)));
  send({ type: 'crash', error: errorPayload(error) });
  process.exit(128);
});
send({ type: 'spawned' });
