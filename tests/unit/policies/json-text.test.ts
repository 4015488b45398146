import { UsageError } from '../../../src/errors';
import { locateJsonError, parseJsonText } from '../../../src/policies/json-text';

function messageFor(text: string): string {
  try {
    parseJsonText(text, 'p.json');
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('parsed');
}

describe('parseJsonText', () => {
  it('parses valid JSON, with or without a byte-order mark', () => {
    expect(parseJsonText('{"a": [1, "x", true, null]}', 'x')).toEqual({ a: [1, 'x', true, null] });
    expect(parseJsonText('\uFEFF{"a":1}', 'x')).toEqual({ a: 1 });
  });

  it.each([
    // V8 gives no position for an unexpected token; the scanner finds it.
    ['{"Version": "2012-10-17",\n  "Statement": [ {"Effect": tru} ]}', /unexpected 't' at line 2, column 29/],
    ['{\n  "a": 1,\n}', /trailing comma before '}' at line 3, column 1/],
    ['[1, 2,]', /trailing comma before '\]' at line 1, column 7/],
    ["{'a': 1}", /expected a double-quoted property name, found ''' at line 1, column 2/],
    ['{"a" 1}', /expected ':' after a property name, found '1' at line 1, column 6/],
    ['{"a": 1', /expected '}' or ',' after a property value, found end of input at line 1, column 8/],
    ['{"a": 1} x', /unexpected 'x' after the end of the JSON value at line 1, column 10/],
    ['{"a": "one\ntwo"}', /control character U\+000A inside a string .* at line 1, column 11/],
    ['{"a": "bad \\q escape"}', /bad escape '\\q' in a string at line 1, column 12/],
    ['{"a": "open', /unterminated string at line 1, column 7/],
    ['{"a": 01}', /unexpected '0' at line 1, column 7/],
  ])('locates the mistake in %j', (text, expected) => {
    const message = messageFor(text);
    expect(message).toMatch(/^p\.json is not valid JSON: /);
    expect(message).toMatch(expected);
    expect(message).toMatch(/: fix the JSON/);
  });

  it('says an empty text is empty', () => {
    expect(messageFor('  \n')).toBe('p.json is empty: give the JSON text');
  });

  it('agrees with JSON.parse on valid input', () => {
    for (const text of ['{}', '[]', '"x"', '-1.5e3', '{"a":{"b":[{"c":"\\u00e9\\n"}]}}', ' true ']) {
      expect(locateJsonError(text)).toBeUndefined();
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });
});
