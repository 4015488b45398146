import { parseClientList } from '../../../src/policies/clients/list-file';
import { validateClientRows, formatProblem } from '../../../src/policies/clients/client-list';
import { UsageError } from '../../../src/errors';

const NOW = new Date('2026-12-04T12:00:00Z');

async function check(text: string, file: string) {
  return validateClientRows(parseClientList(text, file), file, NOW);
}

describe('client list parsing', () => {
  test('CSV, JSON and YAML give the same clients, with their lines', async () => {
    const csv =
      'username,bucket,prefix,access,console,expires\nalice,photos,alice,read-only,no,\nbob,photos docs,,read-write,yes,2030-01-01\n';
    const json =
      '[\n {"username":"alice","bucket":"photos","prefix":"alice","access":"read-only"},\n {"username":"bob","bucket":["photos","docs"],"access":"read-write","console":true,"expires":"2030-01-01"}\n]';
    const yaml =
      'clients:\n  - username: alice\n    bucket: photos\n    prefix: alice\n    access: read-only\n  - username: bob\n    bucket: [photos, docs]\n    access: read-write\n    console: yes\n    expires: "2030-01-01"\n';
    const results = await Promise.all([check(csv, 'l.csv'), check(json, 'l.json'), check(yaml, 'l.yaml')]);
    for (const { clients, problems } of results) {
      expect(problems).toEqual([]);
      expect(clients.map((c) => [c.username, c.buckets, c.prefix, c.access, c.console, c.expires?.toISOString()])).toEqual([
        ['alice', ['photos'], 'alice/', 'read-only', false, undefined],
        ['bob', ['photos', 'docs'], undefined, 'read-write', true, '2030-01-01T00:00:00.000Z'],
      ]);
      expect(clients[1]!.policyName).toMatch(/^s3-share\.read-write\.[0-9a-f]{8}$/);
      // The expiry is in the policy itself.
      for (const s of clients[1]!.policy!.Statement) {
        expect(s.Condition?.DateLessThan?.['aws:CurrentTime']).toBe('2030-01-01T00:00:00Z');
      }
    }
    expect(results.map((r) => r.clients.map((c) => c.line))).toEqual([
      [2, 3],
      [2, 3],
      [2, 6],
    ]);
  });

  test('every bad row is reported together, with file, line, field and what is wrong', async () => {
    const csv = [
      'username,bucket,prefix,access,console,expires,colour',
      'al ice,Photos,a*b,rw,maybe,2026-02-31,red',
      'ok,photos,,read-only,no,,',
      'OK,photos,,read-only,no,,',
      'short,photos',
      ',,,,,,',
      'r,photos,,read-only,no,,',
    ].join('\n');
    const { clients, problems } = await check(csv, 'bad.csv');
    expect(clients).toEqual([]);
    const lines = problems.map(formatProblem);
    expect(lines).toEqual([
      'bad.csv:2: colour: is not a field: use username, bucket, prefix, access, console, expires, role, account',
      expect.stringMatching(/^bad\.csv:2: username: .*contains ' '/),
      expect.stringMatching(/^bad\.csv:2: bucket: .*uppercase/),
      expect.stringMatching(/^bad\.csv:2: prefix: .*'\*'/),
      "bad.csv:2: access: 'rw' is not an access: use read-only, write-only, read-write",
      "bad.csv:2: console: 'maybe' is neither yes nor no",
      expect.stringMatching(/^bad\.csv:2: expires: .*not a date/),
      "bad.csv:4: username: 'OK' is listed already on line 3: one row per client",
      expect.stringMatching(/^bad\.csv:5: \(row\): has a different number of cells/),
      expect.stringMatching(/^bad\.csv:6: username: is missing/),
      expect.stringMatching(/^bad\.csv:6: bucket: is missing/),
      expect.stringMatching(/^bad\.csv:6: access: is missing/),
    ]);
  });

  test('account and role rows are checked as grant-account and create --role check them', async () => {
    const yaml = [
      '- {username: a, bucket: photos, access: read-only, account: 123}',
      '- {username: b, bucket: photos, access: read-only, account: "12345"}',
      '- {username: c, bucket: photos, access: read-only, role: "bad role", console: yes}',
      '- {username: d, bucket: photos, access: read-only, account: "111122223333", expires: "2030-01-01"}',
      '- 7',
    ].join('\n');
    const { problems } = await check(yaml, 'l.yml');
    expect(problems.map((p) => `${p.line} ${p.field}`)).toEqual(['1 account', '2 account', '3 role', '3 console', '4 expires', '5 (row)']);
    expect(problems[1]!.problem).toMatch(/has 5 digits/);
  });

  test('a policy over the inline limit is a problem of that row', async () => {
    const buckets = Array.from({ length: 20 }, (_, i) => `bucket-with-a-long-name-${i}`).join(' ');
    const { problems } = await check(`username,bucket,access\nbig,${buckets},read-write\n`, 'l.csv');
    expect(problems).toEqual([
      expect.objectContaining({ line: 2, field: 'bucket', problem: expect.stringMatching(/2,048-character limit/) }),
    ]);
  });

  test('a file that cannot be parsed at all is a usage error naming its line', () => {
    expect(() => parseClientList('[\n {"username": "a",\n', 'x.json')).toThrow(UsageError);
    expect(() => parseClientList('[\n {"username": "a",\n', 'x.json')).toThrow(/x\.json:3 cannot be read/);
    expect(() => parseClientList('a: [1\n', 'x.yaml')).toThrow(/x\.yaml:\d+ cannot be read/);
    expect(() => parseClientList('{"x": 1}', 'x.json')).toThrow(/must be a list of clients/);
    expect(() => parseClientList('', 'x.txt')).toThrow(/no \.csv, \.json, \.yaml or \.yml ending/);
  });

  test('an empty list is a problem', async () => {
    const { problems } = await check('username,bucket,access\n', 'e.csv');
    expect(problems.map(formatProblem)).toEqual(['e.csv:1: (list): lists no client: add a row per client']);
  });
});
