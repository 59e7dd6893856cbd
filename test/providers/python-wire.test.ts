// The bridge's line encoding: plain JSON for the common message, marks (on a "~" line) for what JSON cannot carry,
// wherever it sits; what worker.py decodes and sends back is what was sent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeLine, encodeLine } from '../../src/providers/python/wire.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = join(ROOT, '.peers/venv/bin/python');
const WORKER_DIR = join(ROOT, 'src/providers/python');

const odd: [string, unknown][] = [
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['a bigint', 2n ** 70n],
  ['a small bigint', 5n],
  ['bytes', Buffer.from('é\0')],
  ['a Uint8Array', new Uint8Array([0, 255])],
];

describe('python bridge wire', () => {
  test('a message of plain JSON values is a bare JSON line', () => {
    const message = { op: 'run', id: 7, arguments: { a: [1, 1.5, -0, 'x', null, true, { b: [] }], 'clé': 'ü' } };
    const line = encodeLine(message);
    assert.equal(line, `${JSON.stringify(message)}\n`);
    assert.deepEqual(decodeLine(line.trimEnd()), JSON.parse(JSON.stringify(message)));
  });

  test('values JSON cannot carry are marked wherever they sit, and decode back', () => {
    for (const [what, value] of odd) {
      // a Uint8Array comes back as a Buffer (what Python's bytes become)
      const back = value instanceof Uint8Array ? Buffer.from(value) : value;
      const shapes = (v: unknown) => [{ value: v }, { a: { b: [1, { c: v }] } }, { list: ['x', v] }];
      const expected = shapes(back);
      shapes(value).forEach((message, i) => {
        const line = encodeLine(message);
        assert.ok(line.startsWith('~'), `${what}: ${line}`);
        assert.deepEqual(decodeLine(line.trimEnd()), expected[i], what);
      });
    }
  });

  test('a cycle is refused as JSON.stringify refuses it', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    assert.throws(() => encodeLine({ a }), TypeError);
  });

  test("the worker's own encoder: plain replies bare, odd values marked, cycles and odd keys on the slow path", () => {
    assert.ok(existsSync(PYTHON), 'the reference venv is missing: run scripts/setup-test-peers.sh');
    const script = `
import sys, json, datetime, decimal
sys.path.insert(0, ${JSON.stringify(WORKER_DIR)})
import worker
cyc = []
cyc.append(cyc)
cases = [
  {"value": None, "wants": [], "id": 1},
  {"value": {"a": [1, 1.5, "\\u00e9\\ud800", True], "b": {}}, "id": 2},
  {"value": [datetime.date(2020, 1, 2), decimal.Decimal("1.10"), {1: 2, None: 3}], "id": 3},
  {"value": float("nan"), "id": 4},
  {"value": 2 ** 70, "id": 5},
  {"value": b"\\x00\\xff", "id": 6},
  {"value": cyc, "id": 7},
  {"value": {(1, 2): "t"}, "id": 8},
]
for c in cases:
    print(worker.dumps(c))
`;
    const out = spawnSync(PYTHON, ['-B', '-c', script], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    const lines = out.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      '{"value":null,"wants":[],"id":1}',
      '{"value":{"a":[1,1.5,"\\u00e9\\ud800",true],"b":{}},"id":2}',
      '{"value":["2020-01-02","1.10",{"1":2,"null":3}],"id":3}',
    ]);
    const decoded = lines.map((l) => decodeLine(l));
    assert.ok(Number.isNaN(decoded[3].value));
    assert.equal(decoded[4].value, 2n ** 70n);
    assert.deepEqual(decoded[5].value, Buffer.from([0, 255]));
    assert.deepEqual(decoded[6].value, ['[[...]]']);
    assert.deepEqual(decoded[7].value, { '(1, 2)': 't' });
    for (const i of [3, 4, 5, 6, 7]) assert.ok(lines[i].startsWith('~'), lines[i]);
  });
});
