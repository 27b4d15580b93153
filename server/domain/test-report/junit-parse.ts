// JUnit XML into test results, pure. One parser for the dialects tools write:
// jest-junit, pytest's --junitxml (with or without a <testsuites> root),
// Maven Surefire / JUnit and go-junit-report. A test's suite is its
// `classname` when that says more than its name (pytest, Surefire, go), else
// the enclosing <testsuite>'s name (jest-junit repeats the name as classname).
// A file that is not well-formed XML, or not a JUnit report, is refused whole
// with a message saying where and why: never half a report.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';

/** What a test did in one attempt. `error` is a crash outside the assertion (setup, exception). */
export const ParsedTestStatus = z.enum(['passed', 'failed', 'error', 'skipped']);
export type ParsedTestStatus = z.infer<typeof ParsedTestStatus>;

export interface ParsedTest {
  suite: string;
  name: string;
  status: ParsedTestStatus;
  durationMs: number | null;
  /** The failure's, error's or skip's message and detail, cut to MESSAGE_LIMIT. */
  message: string | null;
}

export class JUnitParseError extends Error {}

/** Longest message kept per result. */
export const MESSAGE_LIMIT = 4000;
/** Most test cases one file may hold. */
export const MAX_TESTS_PER_REPORT = 50_000;
const NAME_LIMIT = 1000;

const ARRAYS = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped', 'flakyFailure', 'flakyError']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  // Also numeric references (&#10;): pytest writes newlines in messages that way.
  htmlEntities: true,
  isArray: (name) => ARRAYS.has(name),
});

type Node = Record<string, unknown>;

function asNode(v: unknown): Node {
  return v && typeof v === 'object' ? (v as Node) : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

function attr(node: Node, name: string): string | undefined {
  const v = node[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

/** Text inside an element (`<failure>text</failure>` parses to a string when it has no attributes). */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  const t = asNode(v)['#text'];
  return typeof t === 'string' ? t : '';
}

/** Seconds as tools write them ("0.004", "1,204.5", "") to whole milliseconds, or null. */
export function parseSeconds(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const s = Number(raw.trim().replace(/,/g, ''));
  return raw.trim() !== '' && Number.isFinite(s) && s >= 0 ? Math.round(s * 1000) : null;
}

function messageOf(v: unknown): string | null {
  const node = asNode(v);
  const head = (typeof v === 'object' ? attr(node, 'message') : undefined)?.trim() ?? '';
  const body = text(v).replace(/^\n+|\s+$/g, '');
  const joined = !head ? body : !body ? head : body.includes(head) ? body : `${head}\n${body}`;
  if (!joined) return null;
  return joined.length > MESSAGE_LIMIT ? `${joined.slice(0, MESSAGE_LIMIT - 1)}…` : joined;
}

function statusOf(tc: Node): { status: ParsedTestStatus; message: string | null } {
  // Surefire's rerun: <flakyFailure> alone means it passed in the end.
  const [failure] = list(tc.failure);
  const [error] = list(tc.error);
  const [skipped] = list(tc.skipped);
  if (error !== undefined) return { status: 'error', message: messageOf(error) };
  if (failure !== undefined) return { status: 'failed', message: messageOf(failure) };
  if (skipped !== undefined) return { status: 'skipped', message: messageOf(skipped) };
  return { status: 'passed', message: null };
}

function clip(name: string): string {
  const s = name.trim();
  return s.length > NAME_LIMIT ? s.slice(0, NAME_LIMIT) : s;
}

function collect(suiteNode: Node, where: string, out: ParsedTest[]): void {
  const suiteName = clip(attr(suiteNode, 'name') ?? '');
  list(suiteNode.testcase).forEach((raw, i) => {
    const tc = asNode(raw);
    const name = clip(attr(tc, 'name') ?? '');
    if (!name) throw new JUnitParseError(`${where}, testcase ${i + 1}: it has no name attribute`);
    const classname = clip(attr(tc, 'classname') ?? attr(tc, 'class') ?? '');
    const suite = classname && classname !== name ? classname : suiteName;
    const { status, message } = statusOf(tc);
    out.push({ suite, name, status, durationMs: parseSeconds(attr(tc, 'time')), message });
    if (out.length > MAX_TESTS_PER_REPORT) {
      throw new JUnitParseError(`the report holds more than ${MAX_TESTS_PER_REPORT} test cases`);
    }
  });
  // Some tools nest suites (a file's suite inside a package's).
  list(suiteNode.testsuite).forEach((child, i) => collect(asNode(child), `${where} › testsuite ${i + 1}`, out));
}

/**
 * Within one report a test (suite and name) counts once: a repeated entry
 * (a tool that reruns and lists each try) keeps the worst status, and the
 * durations add up.
 */
function mergeRepeats(tests: ParsedTest[]): ParsedTest[] {
  const rank: Record<ParsedTestStatus, number> = { skipped: 0, passed: 1, failed: 2, error: 3 };
  const byKey = new Map<string, ParsedTest>();
  for (const t of tests) {
    const key = `${t.suite}\u0000${t.name}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...t });
    else {
      if (rank[t.status] > rank[seen.status]) Object.assign(seen, { status: t.status, message: t.message });
      if (t.durationMs !== null) seen.durationMs = (seen.durationMs ?? 0) + t.durationMs;
    }
  }
  return [...byKey.values()];
}

/** The test results of one JUnit XML file; throws JUnitParseError saying what is wrong. */
export function parseJUnitXml(xml: string): ParsedTest[] {
  const source = xml.replace(/^\uFEFF/, '');
  if (source.trim() === '') throw new JUnitParseError('the file is empty');
  const valid = XMLValidator.validate(source);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new JUnitParseError(`not well-formed XML at line ${line}, column ${col}: ${msg}`);
  }
  let doc: Node;
  try {
    doc = asNode(parser.parse(source));
  } catch (err) {
    throw new JUnitParseError(`could not read the XML: ${(err as Error).message}`);
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?') && !k.startsWith('#'));
  const out: ParsedTest[] = [];
  if (roots.length === 1 && roots[0] === 'testsuites') {
    list(asNode(doc.testsuites).testsuite).forEach((s, i) => collect(asNode(s), `testsuite ${i + 1}`, out));
  } else if (roots.length === 1 && roots[0] === 'testsuite') {
    list(doc.testsuite).forEach((s, i) => collect(asNode(s), `testsuite ${i + 1}`, out));
  } else {
    throw new JUnitParseError(
      `not a JUnit report: the root element is <${roots[0] ?? 'none'}>, expected <testsuites> or <testsuite>`,
    );
  }
  return mergeRepeats(out);
}
