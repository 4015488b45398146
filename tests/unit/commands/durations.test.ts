// Every flag that takes a duration reads it one way; each keeps its own bounds.
import { parseDuration, parseExpires, parseWaitTimeout, timeoutParser } from '../../../src/commands/shared/durations';

describe('parseDuration', () => {
  it.each([
    ['15m', 900],
    ['1h', 3600],
    ['3600', 3600],
    ['3600s', 3600],
    ['12h', 43200],
  ])('%s is %d seconds', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['14m', '13h', '1d', 'abc', '', '-900', '1.5h', '899'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/--duration .* is not a duration from 15m to 12h/);
  });
});

describe('one duration reading for every duration flag', () => {
  it.each([
    ['1H', 3600],
    ['2 h', 7200],
    [' 900 ', 900],
    ['15M', 900],
  ])('--duration accepts %j as %d seconds, as --expires always did', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
    expect(parseExpires(text)).toBe(seconds);
  });
  it('each flag keeps its own bounds, and only timeouts take fractions', () => {
    expect(parseExpires('7d')).toBe(604800);
    expect(() => parseDuration('7d')).toThrow(/--duration '7d' is not a duration from 15m to 12h/);
    expect(parseWaitTimeout('2m')).toBe(120);
    expect(() => parseWaitTimeout('11m')).toThrow(/--wait-timeout '11m' is not a duration from 1s to 10m/);
    expect(timeoutParser('--read-timeout')('0.5')).toBe(0.5);
    expect(timeoutParser('--read-timeout')('0')).toBe(0);
    expect(() => parseExpires('0.5')).toThrow(/--expires '0.5' is not a duration/);
  });
});
