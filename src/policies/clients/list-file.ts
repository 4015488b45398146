/**
 * Reading a client list: a CSV file (lists usually live in a spreadsheet), or JSON or YAML. Each
 * format goes through its own well-kept parser (csv-parse, JSON.parse, yaml); this module only
 * turns their output into rows that remember their line, so every problem can name it.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { LineCounter, isMap, isSeq, parseDocument, type Node } from 'yaml';
import { UsageError } from '../../errors';

/** One row as written, before validation: field name (lower case) to value. */
export interface RawClientRow {
  line: number;
  fields: Record<string, unknown>;
}

/** Set on a CSV row whose number of cells differs from the header's. */
export const CELL_COUNT = '(cells)';

export type ListFormat = 'csv' | 'json' | 'yaml';

/** The format a file name says, or a UsageError. */
export function listFormat(file: string): ListFormat {
  const ext = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'json') return 'json';
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  throw new UsageError(`client list ${file} has no .csv, .json, .yaml or .yml ending: rename it so its format is clear`);
}

/** A whole-file problem (the file cannot be parsed at all), with its line when the parser knows it. */
function unreadable(file: string, line: number | undefined, why: string): UsageError {
  return new UsageError(`client list ${file}${line ? `:${line}` : ''} cannot be read: ${why}: fix the file and run again`);
}

function csvRows(text: string, file: string): RawClientRow[] {
  let records: Array<{ record: Record<string, string>; info: { lines: number; invalid_field_length: number } }>;
  try {
    records = parseCsv(text, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      info: true,
      // A row with too few or too many cells is one bad row, reported with the others.
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw unreadable(file, e.lines, e.message.replace(/^Invalid [A-Za-z ]+: /, ''));
  }
  let invalid = 0;
  return records.map(({ record, info }) => {
    const fields: Record<string, unknown> = { ...record };
    if (info.invalid_field_length > invalid) {
      invalid = info.invalid_field_length;
      fields[CELL_COUNT] = true;
    }
    return { line: info.lines, fields };
  });
}

function treeRows(text: string, file: string, format: 'json' | 'yaml'): RawClientRow[] {
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (err) {
      const at = /at position (\d+)/.exec((err as Error).message);
      const line = at ? text.slice(0, Number(at[1])).split('\n').length : undefined;
      throw unreadable(file, line, (err as Error).message.replace(/ at position \d+.*$/, ''));
    }
  }
  // JSON is YAML too: the yaml parser gives both formats their line numbers.
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) throw unreadable(file, first.linePos?.[0]?.line, first.message.split('\n')[0]!);
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  let list: Node | null | undefined = doc.contents as Node | null;
  if (isMap(list) && list.has('clients')) list = list.get('clients', true) as Node | undefined;
  if (!isSeq(list)) throw unreadable(file, lineOf(list), 'it must be a list of clients (or an object whose "clients" is one)');
  return list.items.map((item) => {
    const node = item as Node;
    const value: unknown = isMap(node) ? node.toJSON() : undefined;
    const fields: Record<string, unknown> = {};
    if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) fields[k.trim().toLowerCase()] = v;
    else fields[''] = value ?? null;
    return { line: lineOf(node), fields };
  });
}

/** The rows of a client list, each with the line it starts (CSV: ends) on. */
export function parseClientList(text: string, file: string, format: ListFormat = listFormat(file)): RawClientRow[] {
  return format === 'csv' ? csvRows(text, file) : treeRows(text, file, format);
}
