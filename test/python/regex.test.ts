// Python `re` patterns on the JS engine, checked against the real Python re.search in .peers/venv: a table of
// (pattern, subject) pairs plus patterns Python rejects, all evaluated in one python process.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePythonRegex, RegexPatternError } from '../../src/python/regex.ts';
import { chaoslib } from '../experiment/chaoslib-oracle.ts';

const r = String.raw;

/** [pattern, subjects…] */
const TABLE: [string, ...string[]][] = [
  ['[0-9]{2}', 'you are number 87', 'you are number 8'],
  ['(?P<n>a)(?P=n)', 'xaa', 'xab'],
  [r`\Aab\Z`, 'ab', 'ab\n', 'xab'],
  ['ab$', 'ab', 'ab\n', 'ab\n\n', 'ab\nc'],
  [r`ab\Z`, 'ab', 'ab\n'],
  ['^b', 'b', 'a\nb'],
  ['(?m)^b$', 'a\nb\nc', 'a\rb', 'ab'],
  ['(?m)a$', 'a\r\n', 'a\n', 'a\u2028'],
  ['(?i)HELLO', 'hello', 'HeLLo', 'help'],
  ['(?s)a.b', 'a\nb', 'a\rb'],
  ['a.b', 'a\nb', 'a\rb', 'a\u2028b', 'a😀b'],
  [r`\d+`, '٣', '42', 'x', '\uff11'],
  [r`(?a)\d`, '٣', '4'],
  [r`\w`, 'é', '_', '-', '٣', '\u00b2', '\u0301', 'ǅ'],
  [r`(?a)\w`, 'é', 'e'],
  [r`\W`, 'é', ' '],
  [r`\s`, '\u001c', '\ufeff', '\u00a0', '\u0085', '\u200b', '\u3000', '\u180e', 'x'],
  [r`(?a)\s`, '\u00a0', '\u000b'],
  [r`\S`, ' ', 'x'],
  [r`[\s]`, '\u00a0', '\ufeff'],
  [r`[^\W]`, '_', ' '],
  [r`[\w-]`, '-', 'é'],
  [r`[^\d\s]`, '1', ' ', 'a'],
  [r`\bfoo\b`, 'a foo.', 'afoo', 'été foo', 'éfoo'],
  [r`\B`, '', 'a', ' '],
  [r`\b`, '', 'a', ' '],
  [r`\Bo\B`, 'foo bar', 'o'],
  ['x{', 'x{'], ['x{}', 'x{}'], ['x{,2}y', 'xxy', 'xxxy'], ['x{2,}', 'x', 'xx'], ['x{a}', 'x{a}'], ['x{1,2', 'x{1,2'], ['{', '{'], ['x{,}', ''],
  ['[]a]', ']', 'a', 'b'], ['[^]a]', 'b', ']'], ['[a-]', '-'], ['[-a]', '-'], ['[]-a]', '^', 'b'],
  [r`\-`, '-'], [r`\#\ \~\!\@\%\&\=\<\>\,\;\:\'\"\``, `# ~!@%&=<>,;:'"\``],
  ['(?x) a b # comment\n c', 'abc', 'a b c'], ['(?x)[ ]', ' '], [r`(?x)\ `, ' '], ['(?x)a\\#b', 'a#b'], ['(?x)a{2 }', 'aa', 'a{2 }'],
  ['(?-i:a)', 'a', 'A'], ['(?s:.)', '\n'], ['(?m:^b)', 'a\nb'], ['(?x: a b )c', 'abc'], ['(?s-m:a.)', 'a\n'],
  [r`(a)\1`, 'aa', 'ab'], [r`(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\10`, 'abcdefghijj', 'abcdefghija0'], [r`\141`, 'a'], [r`\0`, '\0'], [r`\012`, '\n'],
  [r`[\1]`, '\u0001'], [r`[\141]`, 'a'], [r`\x41\u00e9\U0001F600`, 'Aé😀'], [r`[\x41-\x43]`, 'B', 'D'], [r`\a\f\v\t`, '\u0007\f\u000b\t'],
  ['(?=a)*b', 'b'], ['(?!a)b', 'b', 'ab'], ['(?<=a)b', 'ab', 'b'], ['(?<!a)b', 'cb', 'ab'], ['(?<=a|c)d', 'ad', 'cd', 'bd'],
  ['(?#x)a', 'a'], ['a(?#x)*', 'aaa', ''], ['}', '}'], [']', ']'], ['$', 'a\n'], ['a|b|', 'c'], ['(?:a|b)+$', 'abba', 'abc'],
  [r`\u00e9`, 'é'],
  ['.', '😀'], ['^.$', '😀'], ['[😀-😂]', '😁', '😃'], ['(?i)straße', 'STRASSE', 'STRAßE'], ['(?i)k', '\u212a'], ['(?i)[a-z]+', 'ÀB'], ['(?i)é', 'É'],
  ['(?i)ſ', 'S'], ['a*?b', 'aab'], ['a+?', 'aa'], ['a??b', 'b'], ['a{1,2}?a', 'aa'],
  ['(?>a+)b', 'aab'], ['(?>a+)a', 'aaa'], ['a++a', 'aaa'], ['a*+b', 'aab'], ['a?+a', 'a'], ['a{1,2}+a', 'aa', 'aaa'], [r`(a)(?>b)\1`, 'aba'],
  [r`(?>(a))\1`, 'aa'], [r`(x)(?>a+)\1`, 'xaax'], ['(a)(?P<n>b)(?P=n)\\1', 'abba'],
  ['', ''], ['a|', 'b'], ['()', ''], ['(|a)b', 'b'], [r`\$\{level\}`, '${level}'], [r`^[0-9] \$\{level\} hello - done$`, '1 ${level} hello - done'],
  ['[\\]]', ']'], ['[\\[]', '['], ['[[]', '['], ['[a&&b]', '&'], ['[a||b]', '|'], ['[~~]', '~'],
  [r`\/`, '/'], ['/', '/'], [r`[/]`, '/'],
  ['HTTP/1\\.[01] [2-3]\\d\\d', 'HTTP/1.1 204', 'HTTP/1.1 404'], [r`"status":\s*"ok"`, '{"status": "ok"}'],
  [r`(?i)error|fail(ed|ure)?`, 'Job FAILED', 'all good'], [r`^\s*$`, '', '  \n', 'x'],
];

const INVALID = [
  '[0-9', '(', ')', 'a**', 'a*?+', '*', '^*', r`\b+`, 'a|*', '[', '\\', r`\z`, r`\q`, r`\8`, r`\1(a)`, '(a\\1)', '[\\8]', r`\400`,
  'a{2,1}', '[z-a]', r`[\d-z]`, r`[a-\d]`, '(?<n>a)', '(?P<1a>x)', '(?P<a>x)(?P<a>y)', '(?P=a)', '(?P<a>x(?P=a))', '(?Px)', '(?',
  '(?s:a)(?i)', 'a(?i)', '[a--b]', '|(?i)', '(?au)a', '(?L)a', '(?i-i:a)', '(?-a:a)', '(?-i)', '(?z)', '(?i', '(?#x', r`\x4`, r`\u12`, r`\U0011ffff`,
  '(?<x)', '[\\A]', '[\\Z]', '[\\B]', 'a{1,2}{3}', '(?:', 'a)', '(?P<>x)',
];

/** Python accepts these; we refuse them with an "unsupported" error rather than guess. */
const UNSUPPORTED = [r`\N{DIGIT ONE}`, '(a)(?(1)b|c)', '(?i:a)', '(?i)(?-i:a)'];

const REFERENCE = `
import re
def run(case):
    try:
        rx = re.compile(case["pattern"])
    except re.error as e:
        return {"error": str(e)}
    return [rx.search(s) is not None for s in case["subjects"]]
`;

describe('python regex: differential against Python re', () => {
  const rows = TABLE.filter((row) => row.length > 1);
  const cases = [...rows.map(([pattern, ...subjects]) => ({ pattern, subjects })), ...INVALID.map((pattern) => ({ pattern, subjects: [] }))];
  const expected = chaoslib(REFERENCE, cases);

  it('every pattern of the table matches the same subjects', () => {
    const mismatches: string[] = [];
    rows.forEach(([pattern, ...subjects], i) => {
      const want = (expected[i] as { ok: unknown }).ok;
      let got: unknown;
      try {
        const rx = compilePythonRegex(pattern);
        got = subjects.map((s) => rx.test(s));
      } catch (e) {
        got = { error: (e as Error).message };
      }
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${JSON.stringify(pattern)} on ${JSON.stringify(subjects)}: python ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`);
    });
    assert.deepEqual(mismatches, []);
    assert.ok(rows.length > 100);
  });

  it('patterns Python rejects are rejected, with Python\'s message', () => {
    const mismatches: string[] = [];
    INVALID.forEach((pattern, k) => {
      const want = (expected[rows.length + k] as { ok: { error?: string } }).ok;
      assert.ok(want.error, `python accepts ${JSON.stringify(pattern)}`);
      try {
        compilePythonRegex(pattern);
        mismatches.push(`${JSON.stringify(pattern)}: accepted, python says ${want.error}`);
      } catch (e) {
        assert.ok(e instanceof RegexPatternError);
        if (e.reason !== want.error) mismatches.push(`${JSON.stringify(pattern)}: python "${want.error}", ours "${e.reason}"`);
      }
    });
    assert.deepEqual(mismatches, []);
  });

  it('constructs the JS engine cannot express are refused clearly', () => {
    const accepted = chaoslib(REFERENCE, UNSUPPORTED.map((pattern) => ({ pattern, subjects: ['x'] })));
    UNSUPPORTED.forEach((pattern, k) => {
      assert.ok(Array.isArray((accepted[k] as { ok: unknown }).ok), `python rejects ${pattern}`);
      assert.throws(() => compilePythonRegex(pattern), (e: Error) => e instanceof RegexPatternError && /^regex pattern .* uses .*, which Turbulence's regex engine does not support$/.test(e.message));
    });
  });
});
