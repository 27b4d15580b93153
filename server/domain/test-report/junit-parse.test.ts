import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JUnitParseError, MESSAGE_LIMIT, parseJUnitXml, parseSeconds } from './junit-parse';

const fixture = (name: string) => fs.readFileSync(path.join('tests/fixtures/junit', name), 'utf8');
const brief = (xml: string) => parseJUnitXml(xml).map((t) => [t.suite, t.name, t.status, t.durationMs]);

describe('parseJUnitXml', () => {
  it('reads jest-junit: the suite is the <testsuite>, since classname repeats the name', () => {
    expect(brief(fixture('jest-junit.xml'))).toEqual([
      ['cart', 'cart adds an item', 'passed', 4],
      ['cart', 'cart applies a discount code', 'failed', 12],
      ['cart', 'cart ships abroad', 'skipped', 0],
      ['checkout', 'checkout › totals & taxes', 'passed', 31],
    ]);
    const failed = parseJUnitXml(fixture('jest-junit.xml'))[1]!;
    expect(failed.message).toMatch(/^Error: expect\(received\)\.toBe\(expected\)/);
    expect(failed.message).toContain('at new Promise (<anonymous>)');
  });

  it('reads pytest --junitxml: failure, error and skipped, numeric character references decoded', () => {
    const tests = parseJUnitXml(fixture('pytest.xml'));
    expect(tests.map((t) => [t.suite, t.name, t.status])).toEqual([
      ['tests.test_parser.TestParser', 'test_parses_numbers', 'passed'],
      ['tests.test_parser.TestParser', 'test_rejects_garbage', 'failed'],
      ['tests.test_parser', 'test_params[1-2]', 'passed'],
      ['tests.test_db', 'test_connects', 'error'],
      ['tests.test_db', 'test_slow', 'skipped'],
    ]);
    expect(tests[1]!.message).toMatch(/^AssertionError: assert 'x' == 'y'\n {2}\n {2}- y\n {2}\+ x\nself = </);
    expect(tests[3]!.message).toContain('ConnectionRefusedError: [Errno 111] Connection refused');
    expect(tests[4]!.message).toBe('tests/test_db.py:14: needs a real database');
  });

  it('reads pytest’s older bare <testsuite> root', () => {
    expect(brief(fixture('pytest-legacy.xml'))).toEqual([
      ['test_app', 'test_home', 'passed', 10],
      ['test_app', 'test_about', 'passed', 4],
    ]);
  });

  it('reads Maven Surefire: properties, CDATA, a thousands separator in time, a rerun that passed', () => {
    const tests = parseJUnitXml(fixture('surefire.xml'));
    expect(tests.map((t) => [t.name, t.status, t.durationMs])).toEqual([
      ['totalsIncludeTax', 'passed', 21],
      ['roundsHalfUp', 'failed', 3],
      ['sendsReminder', 'error', 2],
      ['exportsPdf', 'skipped', 0],
      ['retriesOnce', 'passed', 11],
    ]);
    expect(new Set(tests.map((t) => t.suite))).toEqual(new Set(['com.example.billing.InvoiceServiceTest']));
    expect(tests[1]!.message).toMatch(
      /^org\.opentest4j\.AssertionFailedError: expected: <10\.05> but was: <10\.04>\n\tat /,
    );
    expect(tests[3]!.message).toBe('PDF export is disabled on CI');
  });

  it('reads go-junit-report: packages as suites, subtests by their full name', () => {
    const tests = parseJUnitXml(fixture('go-junit-report.xml'));
    expect(tests.map((t) => [t.suite, t.name, t.status, t.durationMs])).toEqual([
      ['example.com/shop/cart', 'TestAdd', 'passed', 0],
      ['example.com/shop/cart', 'TestDiscount/ten_percent', 'failed', 1],
      ['example.com/shop/cart', 'TestShipping', 'skipped', 0],
      ['example.com/shop/money', 'TestRound', 'passed', 2],
    ]);
    expect(tests[1]!.message).toBe('Failed\n    cart_test.go:31: got 100, want 90');
  });

  it('refuses malformed XML with the line and column', () => {
    expect(() => parseJUnitXml(fixture('malformed.xml'))).toThrow(JUnitParseError);
    expect(() => parseJUnitXml(fixture('malformed.xml'))).toThrow(/^not well-formed XML at line 5, column 3: /);
  });

  it('refuses what is not a JUnit report, an empty file and a nameless test', () => {
    expect(() => parseJUnitXml('<coverage line-rate="0.9"/>')).toThrow(
      'not a JUnit report: the root element is <coverage>, expected <testsuites> or <testsuite>',
    );
    expect(() => parseJUnitXml('  \n')).toThrow('the file is empty');
    expect(() => parseJUnitXml('<testsuite name="s"><testcase time="1"/></testsuite>')).toThrow(
      'testsuite 1, testcase 1: it has no name attribute',
    );
  });

  it('accepts an empty suite, nested suites and a byte-order mark', () => {
    expect(parseJUnitXml('\uFEFF<testsuites><testsuite name="none" tests="0"/></testsuites>')).toEqual([]);
    expect(
      brief(
        '<testsuites><testsuite name="pkg"><testsuite name="file"><testcase name="t"/></testsuite></testsuite></testsuites>',
      ),
    ).toEqual([['file', 't', 'passed', null]]);
  });

  it('counts a test listed twice in one report once, with the worst status', () => {
    const xml = `<testsuite name="s"><testcase name="t" time="1"/><testcase name="t" time="2"><failure message="boom"/></testcase></testsuite>`;
    expect(parseJUnitXml(xml)).toEqual([
      { suite: 's', name: 't', status: 'failed', durationMs: 3000, message: 'boom' },
    ]);
  });

  it('cuts long messages', () => {
    const xml = `<testsuite name="s"><testcase name="t"><failure>${'x'.repeat(MESSAGE_LIMIT * 2)}</failure></testcase></testsuite>`;
    expect(parseJUnitXml(xml)[0]!.message).toHaveLength(MESSAGE_LIMIT);
  });
});

describe('parseSeconds', () => {
  it('reads the ways tools write seconds', () => {
    expect([parseSeconds('0.004'), parseSeconds('1,204.5'), parseSeconds('3'), parseSeconds('')]).toEqual([
      4,
      1_204_500,
      3000,
      null,
    ]);
    expect([parseSeconds('NaN'), parseSeconds('-1'), parseSeconds(undefined)]).toEqual([null, null, null]);
  });
});
