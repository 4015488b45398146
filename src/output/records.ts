/**
 * Emitters for list output: a pretty JSON array (valid JSON as a whole), NDJSON, CSV or TSV.
 * Records are written as they arrive, so `--nl` shows the first line before the last page is
 * fetched. Writes respect stdout back-pressure.
 */
import type { Writable } from 'node:stream';

export type RecordFormat = 'json' | 'nl' | 'csv' | 'tsv';
export type OutputRecord = Record<string, unknown>;

export interface RecordEmitter {
  write(record: OutputRecord): Promise<void>;
  end(): Promise<void>;
}

function writeText(out: Writable, text: string): Promise<void> {
  if (out.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      out.off('drain', onDrain);
      reject(err);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/**
 * A text cell that a spreadsheet would run as a formula: one starting with =, +, - or @ (or a tab
 * or carriage return, which some spreadsheets skip before reading one), also in their full-width
 * forms. Object keys and other names come from whoever may write to the bucket, often a client.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * Nested values (objects, arrays) are JSON-encoded inside a CSV/TSV cell; absent values are empty.
 * A string that a spreadsheet would take for a formula gets a leading ' (as OWASP advises and
 * csv-stringify's escape_formulas does), so opening the file shows the text instead of running it.
 * Written here rather than taken from csv-stringify: the emitters stream one row at a time with
 * their own quoting (CSV) and escaping (TSV), and this guard is the one rule that library would add.
 */
function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  const text = String(value);
  return typeof value === 'string' && FORMULA_START.test(text) ? `'${text}` : text;
}

function csvCell(value: unknown): string {
  const text = cellText(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function tsvCell(value: unknown): string {
  return cellText(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/**
 * @param columns the CSV/TSV header; when omitted, the keys of the first record. JSON formats
 * print every key of every record.
 */
export function createRecordEmitter(format: RecordFormat, out: Writable, columns?: readonly string[]): RecordEmitter {
  let count = 0;
  let header = columns;
  const delimited = (cell: (v: unknown) => string, sep: string) => ({
    async write(record: OutputRecord) {
      let text = '';
      if (count++ === 0) {
        header ??= Object.keys(record);
        text = header.map(cell).join(sep) + '\n';
      }
      await writeText(out, text + header!.map((c) => cell(record[c])).join(sep) + '\n');
    },
    async end() {
      if (count === 0 && header) await writeText(out, header.map(cell).join(sep) + '\n');
    },
  });
  switch (format) {
    case 'nl':
      return {
        write: (record) => writeText(out, JSON.stringify(record) + '\n'),
        end: async () => {},
      };
    case 'csv':
      return delimited(csvCell, ',');
    case 'tsv':
      return delimited(tsvCell, '\t');
    case 'json':
      return {
        write: (record) => {
          const body = JSON.stringify(record, null, 2).replace(/^/gm, '  ');
          return writeText(out, (count++ === 0 ? '[\n' : ',\n') + body);
        },
        end: () => writeText(out, count === 0 ? '[]\n' : '\n]\n'),
      };
  }
}

/** Writes every record of an async source, then closes the list. */
export async function emitRecords(
  source: AsyncIterable<OutputRecord>,
  format: RecordFormat,
  out: Writable,
  columns?: readonly string[],
): Promise<number> {
  const emitter = createRecordEmitter(format, out, columns);
  let n = 0;
  for await (const record of source) {
    await emitter.write(record);
    n++;
  }
  // Only a complete list is closed: after a failure part way, a JSON array stays unterminated
  // so that `jq` or a script that ignores the exit code cannot take half a list for all of it.
  await emitter.end();
  return n;
}

/**
 * JSON that must be printed exactly as written, not as JavaScript reads it back (a number such as
 * 12345678901234567891 or 1.0 in someone else's bucket policy): its text on one line and laid
 * out pretty at depth 0, both already valid JSON. formatObject splices it in as it is.
 */
export class RawJson {
  constructor(
    readonly compact: string,
    readonly pretty: string,
  ) {}
}

/** A single object: pretty JSON, or one line with --nl. RawJson values are printed as written. */
export function formatObject(value: unknown, nl = false): string {
  const raw: RawJson[] = [];
  const marker = (i: number) => `\u0000raw-json-${i}\u0000`;
  const replacer = (_key: string, v: unknown) => (v instanceof RawJson ? marker(raw.push(v) - 1) : v);
  let text = nl ? JSON.stringify(value, replacer) : JSON.stringify(value, replacer, 2);
  raw.forEach((r, i) => {
    const quoted = JSON.stringify(marker(i));
    const at = text.indexOf(quoted);
    // Continuation lines of the pretty text take the indentation of the line it starts on.
    const indent = /^ */.exec(text.slice(text.lastIndexOf('\n', at) + 1))![0];
    text = text.slice(0, at) + (nl ? r.compact : r.pretty.replace(/\n/g, `\n${indent}`)) + text.slice(at + quoted.length);
  });
  return text + '\n';
}
