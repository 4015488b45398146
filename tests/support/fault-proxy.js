'use strict';
/**
 * A loopback HTTP proxy in front of moto that stands in for the real network: it adds latency to
 * every request (AWS round trips), and can answer chosen operations with faults. Plain JS so that
 * both the jest tests and bench/ (plain node) can load it. Loopback only.
 *
 * Rules are matched per request against the operation: the `Action=` of a query/form request
 * (IAM, STS) or "METHOD /path" for S3.
 */
const http = require('node:http');

/**
 * @param {{ target: string, latencyMs?: number, rules?: Array<{ match: RegExp, fault: 'throttle'|'slowdown'|'500'|'reset'|'delay', times?: number, delayMs?: number }> }} opts
 * @returns {Promise<{ url: string, port: number, requests: number, faults: number, setRules(rules: any[]): void, close(): Promise<void> }>}
 */
async function startFaultProxy(opts) {
  const target = new URL(opts.target);
  const latencyMs = opts.latencyMs ?? 0;
  const state = { requests: 0, faults: 0, rules: (opts.rules ?? []).map((r) => ({ ...r, used: 0 })) };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  // A held request (latency, a 'delay' rule of several seconds) must not outlive close(): its
  // timer would keep the test process alive after the run, and then send to a stopped server.
  const timers = new Set();
  const later = (fn, ms) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      state.requests++;
      const operation = operationOf(req, body);
      const rule = state.rules.find((r) => r.match.test(operation) && (r.times === undefined || r.used < r.times));
      if (rule) rule.used++;
      later(() => {
        if (rule && rule.fault !== 'delay') {
          state.faults++;
          return injectFault(rule.fault, req, res);
        }
        forward(req, res, body, rule && rule.fault === 'delay' ? (rule.delayMs ?? 0) : 0);
      }, latencyMs);
    });
  });

  function forward(req, res, body, extraDelay) {
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
    }, extraDelay);
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    get faults() {
      return state.faults;
    },
    setRules(rules) {
      state.rules = rules.map((r) => ({ ...r, used: 0 }));
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      agent.destroy();
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

function operationOf(req, body) {
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('Action');
  if (query) return query;
  const form = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('latin1'));
  if (form) return form[1];
  return `${req.method} ${(req.url ?? '/').split('?')[0]}`;
}

function injectFault(fault, req, res) {
  const xml = (code, message) =>
    `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`;
  const s3xml = (code, message) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  const isQuery = /Action=/.test(req.url ?? '') || req.headers['content-type']?.includes('x-www-form-urlencoded');
  switch (fault) {
    case 'throttle':
      res.writeHead(400, { 'content-type': 'text/xml' });
      return res.end(isQuery ? xml('Throttling', 'Rate exceeded') : s3xml('Throttling', 'Rate exceeded'));
    case 'slowdown':
      res.writeHead(503, { 'content-type': 'text/xml' });
      return res.end(isQuery ? xml('SlowDown', 'Please reduce your request rate.') : s3xml('SlowDown', 'Please reduce your request rate.'));
    case '500':
      res.writeHead(500, { 'content-type': 'text/xml' });
      return res.end(isQuery ? xml('InternalFailure', 'injected') : s3xml('InternalError', 'injected'));
    case 'reset':
      return req.socket.destroy();
  }
}

module.exports = { startFaultProxy };
