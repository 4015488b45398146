/**
 * Policy JSON kept as text. JSON.parse followed by JSON.stringify changes what other people wrote:
 * 12345678901234567891 becomes 12345678901234567000, 1.0 becomes 1, "\u00e9" and "\/" are
 * unescaped. A bucket policy is replaced whole by PutBucketPolicy, so the statements s3-share
 * does not edit must be written back from the text they were read as, not from parsed values.
 *
 * No library in the tree gives raw text spans of a JSON document (JSON.parse's reviver source
 * text is Node 21+, json5 and parse-json return values only), and the scan needed is small: the
 * text has already been checked to be valid JSON, so finding where each value ends only has to
 * follow strings and brackets. Pure: no AWS, no printing.
 */

/** One top-level member of a JSON object, as written. */
export interface RawMember {
  /** The decoded name. */
  name: string;
  /** The name exactly as written, quotes and escapes included. */
  nameText: string;
  /** The value exactly as written (from its first to its last character). */
  valueText: string;
}

const SPACE = ' \t\n\r';

/** Index just past the JSON value starting at `i` (after any whitespace). Assumes valid JSON. */
function skipValue(text: string, i: number): number {
  i = skipSpace(text, i);
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    while (i < text.length) {
      const d = text[i]!;
      if (d === '"') {
        i = skipString(text, i);
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new Error('unterminated JSON value');
  }
  // A number or a literal: runs until a delimiter.
  while (i < text.length && !SPACE.includes(text[i]!) && !',]}'.includes(text[i]!)) i++;
  return i;
}

function skipString(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  throw new Error('unterminated JSON string');
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && SPACE.includes(text[i]!)) i++;
  return i;
}

/** Where the leading byte-order mark, if any, ends: it is not part of the JSON. */
const start = (text: string) => (text.startsWith('\uFEFF') ? 1 : 0);

/**
 * The members of the JSON object `text` in the order written. `text` must be valid JSON (check it
 * with parseJsonText first); undefined when it is not an object.
 */
export function readObjectMembers(text: string): RawMember[] | undefined {
  let i = skipSpace(text, start(text));
  if (text[i] !== '{') return undefined;
  i = skipSpace(text, i + 1);
  const members: RawMember[] = [];
  if (text[i] === '}') return members;
  for (;;) {
    i = skipSpace(text, i);
    const nameEnd = skipString(text, i);
    const nameText = text.slice(i, nameEnd);
    i = skipSpace(text, nameEnd) + 1; // the ':'
    const valueStart = skipSpace(text, i);
    const valueEnd = skipValue(text, valueStart);
    members.push({ name: JSON.parse(nameText) as string, nameText, valueText: text.slice(valueStart, valueEnd) });
    i = skipSpace(text, valueEnd);
    if (text[i] === ',') i++;
    else return members;
  }
}

/** The elements of the JSON array `text` (valid JSON), each exactly as written; undefined when it is not an array. */
export function readArrayElements(text: string): string[] | undefined {
  let i = skipSpace(text, start(text));
  if (text[i] !== '[') return undefined;
  i = skipSpace(text, i + 1);
  const elements: string[] = [];
  if (text[i] === ']') return elements;
  for (;;) {
    const valueStart = skipSpace(text, i);
    const valueEnd = skipValue(text, valueStart);
    elements.push(text.slice(valueStart, valueEnd));
    i = skipSpace(text, valueEnd);
    if (text[i] === ',') i++;
    else return elements;
  }
}

/** An object written from members given as text, in order, without whitespace between them. */
export function writeObject(members: Array<Pick<RawMember, 'nameText' | 'valueText'>>): string {
  return `{${members.map((m) => `${m.nameText}:${m.valueText}`).join(',')}}`;
}

/** An array written from elements given as text, in order. */
export function writeArray(elements: string[]): string {
  return `[${elements.join(',')}]`;
}

/**
 * The size AWS checks policy text against: characters (code points), not counting whitespace
 * outside strings. Counted on the text as it will be written, so whitespace kept inside an
 * untouched statement never counts against the limit, and nothing else is missed.
 */
export function policyTextSize(text: string): number {
  let size = 0;
  let inString = false;
  for (let i = start(text); i < text.length; i++) {
    const c = text[i]!;
    // A surrogate pair is one character to AWS: count its high half only.
    const code = c.charCodeAt(0);
    const counted = !(code >= 0xdc00 && code <= 0xdfff);
    if (inString) {
      if (c === '\\') {
        size += 2; // the backslash and the character it escapes (always one code unit of ASCII)
        i++;
        continue;
      }
      if (c === '"') inString = false;
      if (counted) size++;
    } else if (!SPACE.includes(c)) {
      if (c === '"') inString = true;
      if (counted) size++;
    }
  }
  return size;
}

/** The tokens of valid JSON text, each exactly as written; whitespace between them dropped. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let i = skipSpace(text, start(text));
  while (i < text.length) {
    const c = text[i]!;
    let end: number;
    if ('{}[]:,'.includes(c)) end = i + 1;
    else if (c === '"') end = skipString(text, i);
    else end = skipValue(text, i);
    out.push(text.slice(i, end));
    i = skipSpace(text, end);
  }
  return out;
}

/**
 * Valid JSON text laid out as JSON.stringify(value, null, 2) would (or on one line, as
 * JSON.stringify(value)), but with every name, string and number exactly as written: only the
 * whitespace between tokens changes. What a policy says is printed, not what JavaScript makes of
 * it (12345678901234567891 stays, 1.0 stays 1.0, "\u00e9" stays escaped).
 */
export function formatJsonText(text: string, oneLine: boolean): string {
  const t = tokens(text);
  let k = 0;
  const value = (depth: number): string => {
    const token = t[k++]!;
    if (token !== '{' && token !== '[') return token;
    const close = token === '{' ? '}' : ']';
    if (t[k] === close) {
      k++;
      return token + close;
    }
    const items: string[] = [];
    for (;;) {
      if (token === '{') {
        const name = t[k]!;
        k += 2; // the name and ':'
        items.push(`${name}:${oneLine ? '' : ' '}${value(depth + 1)}`);
      } else items.push(value(depth + 1));
      if (t[k++] === close) break; // else ','
    }
    if (oneLine) return token + items.join(',') + close;
    const inner = '\n' + '  '.repeat(depth + 1);
    return token + inner + items.join(',' + inner) + '\n' + '  '.repeat(depth) + close;
  };
  return value(0);
}
