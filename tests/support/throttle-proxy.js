'use strict';
/**
 * A loopback proxy in front of moto that behaves like IAM under load: mutating IAM calls (every
 * Action but Get*, List*, and STS's) above `writesPerSecond` in any one-second window are answered
 * with Throttling, as IAM answers; everything else passes. It also keeps the log of operations it
 * forwarded (S3's too, as "METHOD /path?subresource"), so a test can prove that a run made no
 * write at all. Plain JS for jest and bench/.
 */
const http = require('node:http');

const READ = /^(Get|List)|^(GetCallerIdentity|AssumeRole)$/;

/**
 * @param {{ target: string, writesPerSecond?: number, latencyMs?: number }} opts
 */
async function startThrottleProxy(opts) {
  const target = new URL(opts.target);
  const limit = opts.writesPerSecond ?? Infinity;
  const latencyMs = opts.latencyMs ?? 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  /** Start times (ms) of writes let through in the last second. */
  let window = [];
  const state = { log: [], throttled: 0 };
  const timers = new Set();
  const later = (fn, ms) => {
    if (!ms) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = actionOf(req, body);
      // S3 calls are logged as "METHOD /path?subresource"; only IAM (and STS) calls are throttled.
      const operation = action ?? `${req.method} ${(req.url ?? '/').replace(/=[^&]*/g, '')}`;
      const isWrite = action ? !READ.test(action) : !['GET', 'HEAD'].includes(req.method ?? 'GET');
      if (action && isWrite && limit !== Infinity) {
        const now = Date.now();
        window = window.filter((t) => now - t < 1000);
        if (window.length >= limit) {
          state.throttled++;
          const xml =
            '<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>throttle-proxy</RequestId></ErrorResponse>';
          res.writeHead(400, { 'content-type': 'text/xml', 'x-amzn-requestid': 'throttle-proxy' });
          return res.end(xml);
        }
        window.push(now);
      }
      state.log.push({
        operation,
        write: isWrite,
        user: action ? /(?:^|&)UserName=([^&]*)/.exec(body.toString('latin1'))?.[1] : undefined,
      });
      later(() => {
        const upstream = http.request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on('error', () => {
          res.writeHead(502);
          res.end();
        });
        upstream.end(body);
      }, latencyMs);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Every IAM/STS operation forwarded: { operation, write, user }. */
    get log() {
      return state.log;
    },
    get writes() {
      return state.log.filter((e) => e.write);
    },
    get throttled() {
      return state.throttled;
    },
    reset() {
      state.log = [];
      state.throttled = 0;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      agent.destroy();
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** The Action of an IAM/STS query request; undefined for S3. */
function actionOf(req, body) {
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('Action');
  if (query) return query;
  return /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('latin1'))?.[1];
}

module.exports = { startThrottleProxy };
