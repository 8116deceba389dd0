import { describe, expect, it } from 'vitest';
import {
  parseBool,
  parseDurationMs,
  parseDurationNanoseconds,
  parseEnum,
  parseInt64,
  parseJson,
  parseList,
  parseSettingValue,
  parseUint64,
  withoutEmpty,
} from './parse.js';
import type { Setting } from './setting.js';

const valueOf = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T | 'invalid' => (r.ok ? r.value : 'invalid');

describe('parseBool (Go strconv.ParseBool)', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('reads %j as true', (raw) => {
    expect(valueOf(parseBool(raw))).toBe(true);
  });
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('reads %j as false', (raw) => {
    expect(valueOf(parseBool(raw))).toBe(false);
  });
  it.each(['yes', 'no', 'on', 'off', 'tRUE', 'TRue', ' true', 'true ', '2', '', 'y'])('refuses %j', (raw) => {
    expect(parseBool(raw).ok).toBe(false);
  });
});

describe('parseInt64 (Go strconv.ParseInt base 0)', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['00', 0],
    ['42', 42],
    ['+42', 42],
    ['-42', -42],
    ['0x1F', 31],
    ['0X1f', 31],
    ['-0x10', -16],
    ['0o17', 15],
    ['0O17', 15],
    ['017', 15],
    ['0b101', 5],
    ['0B101', 5],
    ['1_000', 1000],
    ['1_000_000', 1_000_000],
    ['0x_1F', 31],
    ['0_7', 7],
    ['-1_0', -10],
    ['9223372036854775807', 9223372036854775807],
    ['-9223372036854775808', -9223372036854775808],
  ])('reads %j as %d', (raw, expected) => {
    expect(valueOf(parseInt64(raw))).toBe(expected);
  });
  it.each([
    '',
    ' 5',
    '5 ',
    '+',
    '-',
    '1.0',
    '1e3',
    '08',
    '09',
    '0x',
    '0b',
    '0o',
    '0b2',
    '0xg',
    '_1',
    '1_',
    '1__0',
    '0x_',
    '++1',
    'abc',
    '9223372036854775808',
    '-9223372036854775809',
  ])('refuses %j', (raw) => {
    expect(parseInt64(raw).ok).toBe(false);
  });
  it('reports an out-of-range value as such', () => {
    expect(parseInt64('9223372036854775808')).toEqual({ ok: false, error: 'is out of range for a 64-bit integer' });
  });
});

describe('parseUint64 (Go strconv.ParseUint base 0)', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['587', 587],
    ['0x24B', 587],
    ['01113', 587],
    ['18446744073709551615', 18446744073709551615],
  ])('reads %j as %d', (raw, expected) => {
    expect(valueOf(parseUint64(raw))).toBe(expected);
  });
  it.each(['', '+5', '-1', '-0', '18446744073709551616', '5.0', '1_'])('refuses %j', (raw) => {
    expect(parseUint64(raw).ok).toBe(false);
  });
});

describe('parseDurationNanoseconds (Go time.ParseDuration)', () => {
  const S = 1_000_000_000n;
  const MAX = (1n << 63n) - 1n;
  it.each<[string, bigint]>([
    ['0', 0n],
    ['-0', 0n],
    ['+0', 0n],
    ['5s', 5n * S],
    ['30s', 30n * S],
    ['1478s', 1478n * S],
    ['-5s', -5n * S],
    ['+5s', 5n * S],
    ['5.0s', 5n * S],
    ['5.6s', 5_600_000_000n],
    ['5.s', 5n * S],
    ['.5s', 500_000_000n],
    ['1.004s', 1_004_000_000n],
    ['100.00100s', 100_001_000_000n],
    ['10ns', 10n],
    ['11us', 11_000n],
    ['12µs', 12_000n],
    ['12μs', 12_000n],
    ['13ms', 13_000_000n],
    ['15m', 15n * 60n * S],
    ['16h', 16n * 3600n * S],
    ['3h30m', 12_600n * S],
    ['10.5s4m', 250_500_000_000n],
    ['-2m3.4s', -123_400_000_000n],
    ['1h2m3s4ms5us6ns', 3_723_004_005_006n],
    ['39h9m14.425s', 140_954_425_000_000n],
    ['52763797000ns', 52_763_797_000n],
    ['0.3333333333333333333h', 20n * 60n * S],
    ['9007199254740993ns', 9007199254740993n],
    ['9223372036854775807ns', MAX],
    ['9223372036854775.807us', MAX],
    ['9223372036s854ms775us807ns', MAX],
    ['-9223372036854775808ns', -(1n << 63n)],
    ['-2562047h47m16.854775808s', -(1n << 63n)],
    ['0.100000000000000000000h', 6n * 60n * S],
    ['0.830103483285477580700h', 2_988_372_539_827n],
  ])('reads %j', (raw, expected) => {
    expect(valueOf(parseDurationNanoseconds(raw))).toBe(expected);
  });
  it.each([
    '',
    '3',
    '60',
    '-',
    's',
    '.',
    '-.',
    '.s',
    '+.s',
    '1d',
    '1 s',
    ' 1s',
    '1s ',
    '1S',
    '1H',
    '1.5',
    '1h30',
    '9223372036854775808ns',
    '9223372036854775.808us',
    '-9223372036854775809ns',
    '2562047h47m16.854775808s',
  ])('refuses %j', (raw) => {
    expect(parseDurationNanoseconds(raw).ok).toBe(false);
  });
  it('names a missing unit', () => {
    expect(parseDurationNanoseconds('90')).toEqual({ ok: false, error: 'is missing a unit (e.g. 30s; only 0 may be written without one)' });
  });
});

describe('parseDurationMs', () => {
  it.each<[string, number]>([
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['0.5h', 1_800_000],
    ['1.5ms', 1.5],
    ['250us', 0.25],
    ['0', 0],
    ['-1s', -1000],
  ])('converts %j to %d ms', (raw, ms) => {
    expect(valueOf(parseDurationMs(raw))).toBe(ms);
  });
});

describe('parseList', () => {
  it.each<[string, string[]]>([
    ['me', ['me']],
    ['me,user', ['me', 'user']],
    ['me, user', ['me', ' user']],
    ['a,,b', ['a', '', 'b']],
    ['a,', ['a', '']],
    [',', ['', '']],
    [' ', [' ']],
  ])('splits %j on every comma without trimming', (raw, items) => {
    expect(parseList(raw)).toEqual(items);
  });
  it('drops only empty items, never blank ones', () => {
    expect(withoutEmpty(['a', '', ' ', 'b', ''])).toEqual(['a', ' ', 'b']);
  });
});

describe('parseEnum', () => {
  const values = ['LOGIN', 'PLAIN', 'CRAM-MD5'] as const;
  it('accepts an exact value', () => {
    expect(valueOf(parseEnum('CRAM-MD5', values))).toBe('CRAM-MD5');
  });
  it.each(['plain', 'PLAIN ', '', 'XOAUTH2'])('refuses %j and lists the allowed values', (raw) => {
    expect(parseEnum(raw, values)).toEqual({ ok: false, error: 'is not allowed: allowed values are LOGIN, PLAIN, CRAM-MD5' });
  });
});

describe('parseJson', () => {
  it.each<[string, unknown]>([
    ['{"type":"HS256","key":"k"}', { type: 'HS256', key: 'k' }],
    ['[]', []],
    ['"text"', 'text'],
    ['1', 1],
  ])('parses %j', (raw, value) => {
    expect(valueOf(parseJson(raw))).toEqual(value);
  });
  it.each(['{', "{'a':1}", '{"a":1,}', 'undefined', ''])('refuses %j', (raw) => {
    expect(parseJson(raw).ok).toBe(false);
  });
});

describe('parseSettingValue: defined-but-empty rules (CONFIG.md §1.2)', () => {
  const base = { env: 'X', flag: 'x', group: 'Server', description: 'x.' } as const;
  const table: Array<[string, Setting, unknown]> = [
    ['an empty boolean is false even when the default is true', { ...base, type: 'boolean', default: true }, false],
    ['an empty string is the empty string, not the default', { ...base, type: 'string', default: 'user' }, ''],
    ['an empty int keeps the default', { ...base, type: 'int', default: 900 }, 900],
    ['an empty uint keeps the default', { ...base, type: 'uint', default: 587 }, 587],
    ['an empty duration keeps the default (in ms)', { ...base, type: 'duration', default: '5m' }, 300_000],
    ['an empty list keeps the default', { ...base, type: 'list', default: ['me'] }, ['me']],
    ['an empty enum keeps the default', { ...base, type: 'enum', values: ['g', 'pg'], default: 'g' }, 'g'],
    ['an empty json is "not set"', { ...base, type: 'json', default: '' }, ''],
  ];
  it.each(table)('%s', (_title, setting, expected) => {
    expect(valueOf(parseSettingValue(setting, ['']))).toEqual(expected);
  });

  it('joins the items of a repeated list flag, each split on commas', () => {
    const setting: Setting = { ...base, type: 'list', default: ['en'] };
    expect(valueOf(parseSettingValue(setting, ['fr', 'de,es']))).toEqual(['fr', 'de', 'es']);
  });

  it('keeps the raw JSON text of a json setting once it parses', () => {
    const setting: Setting = { ...base, type: 'json', default: '' };
    expect(valueOf(parseSettingValue(setting, [' {"a": 1} ']))).toBe(' {"a": 1} ');
  });

  it('uses the last value of a repeated scalar flag', () => {
    const setting: Setting = { ...base, type: 'int', default: 1 };
    expect(valueOf(parseSettingValue(setting, ['2', '3']))).toBe(3);
  });
});
