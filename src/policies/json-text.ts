/**
 * JSON text from the user (a --policy file, a --statement argument): parsed with JSON.parse, and
 * when that fails, scanned again to say where, because V8's messages sometimes omit the position
 * ("Unexpected token '}', ... is not valid JSON") and never give a line and column.
 */
import { UsageError } from '../errors';

/** Parses `text`, or throws a UsageError naming `source` and the line and column of the mistake. */
export function parseJsonText(text: string, source: string): unknown {
  // Editors on Windows may save a byte-order mark, which JSON.parse rejects.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.trim() === '') throw new UsageError(`${source} is empty: give the JSON text`);
  try {
    return JSON.parse(text);
  } catch (err) {
    const found = locateJsonError(text);
    const where = found ? `${found.problem} at line ${lineColumn(text, found.offset)}` : (err as Error).message;
    throw new UsageError(`${source} is not valid JSON: ${where}: fix the JSON (names and strings need double quotes, no trailing commas)`);
  }
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `${line}, column ${column}`;
}

export interface JsonErrorLocation {
  offset: number;
  problem: string;
}

/** The first syntax error in `text` (offset into it and what is wrong), or undefined if it is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  let i = 0;
  const fail = (problem: string, at = i): never => {
    throw { offset: at, problem } satisfies JsonErrorLocation;
  };
  const describe = (at: number) => (at >= text.length ? 'end of input' : `'${text[at]}'`);
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expectChar = (c: string, context: string) => {
    if (text[i] !== c) fail(`expected '${c}' ${context}, found ${describe(i)}`);
    i++;
  };
  const string = () => {
    const start = i;
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c < ' ')
        fail(
          `control character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} inside a string (write it as an escape such as \\n)`,
        );
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape in a string');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          fail(`bad escape '\\${e ?? ''}' in a string`);
        }
      } else {
        i++;
      }
    }
  };
  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') return void i++;
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail(`expected a double-quoted property name, found ${describe(i)}`);
        string();
        skipSpace();
        expectChar(':', 'after a property name');
        value();
        skipSpace();
        if (text[i] === ',') {
          i++;
          skipSpace();
          if (text[i] === '}') fail("trailing comma before '}'");
          continue;
        }
        expectChar('}', "or ',' after a property value");
        return;
      }
    }
    if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        skipSpace();
        if (text[i] === ',') {
          i++;
          skipSpace();
          if (text[i] === ']') fail("trailing comma before ']'");
          continue;
        }
        expectChar(']', "or ',' after an array element");
        return;
      }
    }
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal && !/[\w.]/.test(text[i + literal[0].length] ?? '')) {
      i += literal[0].length;
      return;
    }
    if (c === "'") fail('single quotes: JSON strings need double quotes');
    fail(i >= text.length ? 'unexpected end of input' : `unexpected ${describe(i)}`);
  };
  try {
    value();
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return undefined;
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'offset' in err) return err as JsonErrorLocation;
    throw err;
  }
}
