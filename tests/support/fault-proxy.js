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
 * Besides errors, a rule can make the endpoint misbehave the way real networks do: 'stall' accepts
 * the request and never answers (the socket stays open until close()); 'html' answers with a web
 * page instead of AWS (status `status`, 404 by default), as a wrong endpoint or a captive portal
 * does; 'trickle' forwards the real answer but sends its body in `chunkBytes` pieces every
 * `intervalMs`, so a transfer can take far longer than any one silence.
 *
 * @param {{ target: string, latencyMs?: number, rules?: Array<{ match: RegExp, fault: 'throttle'|'slowdown'|'500'|'reset'|'delay'|'stall'|'html'|'trickle', times?: number, delayMs?: number, status?: number, intervalMs?: number, chunkBytes?: number }> }} opts
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
  // Requests held open by 'stall': ended by close(), or the test process would wait on them.
  const stalled = new Set();
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
        if (rule && rule.fault === 'stall') {
          state.faults++;
          stalled.add(res);
          res.on('close', () => stalled.delete(res));
          return;
        }
        if (rule && rule.fault === 'trickle') {
          state.faults++;
          return forward(req, res, body, 0, rule);
        }
        if (rule && rule.fault !== 'delay') {
          state.faults++;
          return injectFault(rule, req, res);
        }
        forward(req, res, body, rule && rule.fault === 'delay' ? (rule.delayMs ?? 0) : 0);
      }, latencyMs);
    });
  });

  function forward(req, res, body, extraDelay, trickle) {
    later(() => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          if (!trickle) return up.pipe(res);
          const parts = [];
          up.on('data', (c) => parts.push(c));
          up.on('end', () => {
            const whole = Buffer.concat(parts);
            const size = trickle.chunkBytes ?? 1024;
            const send = (offset) => {
              if (res.destroyed) return;
              if (offset >= whole.length) return res.end();
              res.write(whole.subarray(offset, offset + size));
              later(() => send(offset + size), trickle.intervalMs ?? 100);
            };
            send(0);
          });
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
      for (const res of stalled) res.destroy();
      stalled.clear();
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

function injectFault(rule, req, res) {
  const fault = rule.fault;
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
    case 'html':
      res.writeHead(rule.status ?? 404, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(
        `<!DOCTYPE html><html><head><title>${rule.status ?? 404}</title></head><body><h1>Not Found</h1><p>nginx</p></body></html>`,
      );
  }
}

module.exports = { startFaultProxy };
