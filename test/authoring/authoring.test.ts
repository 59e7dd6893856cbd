// The authoring model behind `turbulence init`: spec words, values typed by schema, undos planned as rollbacks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCatalog } from '../../src/authoring/catalog.ts';
import { planUndo } from '../../src/authoring/rollback.ts';
import { parseSpec, tokenize } from '../../src/authoring/spec.ts';
import { describeType, parseValue } from '../../src/authoring/value.ts';
import { type DefinedActivity, findActivity } from '../../src/drivers/define.ts';
import { arr, int, oneOf, str, union } from '../../src/experiment/schema/vocabulary.ts';

const catalog = await loadCatalog();
const activity = (id: string): DefinedActivity => {
  const dot = id.lastIndexOf('.');
  return findActivity(id.slice(0, dot), id.slice(dot + 1))!;
};

describe('spec words', () => {
  it('splits key=value pairs, with quotes and JSON values that hold spaces', () => {
    assert.deepEqual(tokenize(` m.f  a=1 b='x y' c="say \\"hi\\"" d=["a b", {"c": "]"}] e={"k": [1, 2]} f=`), {
      id: 'm.f',
      pairs: [
        ['a', '1'],
        ['b', 'x y'],
        ['c', 'say "hi"'],
        ['d', '["a b", {"c": "]"}]'],
        ['e', '{"k": [1, 2]}'],
        ['f', ''],
      ],
    });
  });

  it('rejects what is not key=value', () => {
    assert.throws(() => tokenize(''), /empty activity spec/);
    assert.throws(() => tokenize('m.f a=1 word'), /expected key=value, found 'word'/);
    assert.throws(() => tokenize("m.f a='x"), /unterminated ' quote/);
    assert.throws(() => tokenize('m.f a="x"y'), /expected a space after the value/);
    assert.throws(() => tokenize('m.f a={"b": 1'), /unbalanced \{/);
  });
});

describe('values typed by schema', () => {
  const pid = union([{ when: { type: ['array'] }, node: arr(int({ minimum: 1 }), { minItems: 1 }) }], int({ minimum: 1 }));
  const cases: [string, Parameters<typeof parseValue>[1], unknown][] = [
    ['123', str(), '123'],
    ['true', str(), 'true'],
    ['8080', int(), 8080],
    ['[1, 2]', pid, [1, 2]],
    ['7', pid, 7],
    ['${pid}', pid, '${pid}'],
    ['["${a}", 2]', pid, ['${a}', 2]],
    ['SIGKILL', oneOf(['SIGTERM', 'SIGKILL']), 'SIGKILL'],
    ['0644', union([{ when: { type: ['string'] }, node: str({ pattern: '^0?[0-7]{3,4}$' }) }], int()), '0644'],
  ];
  for (const [text, node, value] of cases) {
    it(`reads ${text} as ${JSON.stringify(value)}`, () => assert.deepEqual(parseValue(text, node), { value }));
  }
  it('says what is wrong', () => {
    assert.deepEqual(parseValue('abc', int()), { error: 'expected an integer, found a string ("abc" is not JSON)' });
    assert.deepEqual(parseValue('0', pid), { error: 'expected a number of at least 1' });
    assert.deepEqual(parseValue('SIGFOO', oneOf(['SIGTERM'])), { error: 'expected one of "SIGTERM"' });
  });
  it('describes types for the prompts', () => {
    assert.equal(describeType(pid), 'list of integer ≥ 1 (JSON), or integer ≥ 1');
    assert.equal(describeType(oneOf(['a', 'b'])), 'one of a, b');
  });
});

describe('specs against the catalog', () => {
  it('offers every driver activity and the generic providers', () => {
    const ids = catalog.map((o) => o.id);
    for (const id of ['turbulence.process.kill_process', 'turbulence.file.move_file', 'http', 'process']) assert.ok(ids.includes(id), id);
    // the generic providers' arguments are the experiment format's members
    assert.deepEqual(
      catalog.find((o) => o.id === 'process')!.arguments.map((a) => [a.name, a.default === undefined]),
      [
        ['path', true],
        ['arguments', false],
        ['timeout', false],
      ],
    );
  });
  it('binds typed arguments and the tolerance', () => {
    const c = parseSpec('turbulence.process.process_count name=api tolerance=[1,3]', catalog, 'hypothesis');
    assert.deepEqual([c.type, c.arguments, c.tolerance], ['probe', { name: 'api' }, [1, 3]]);
    const h = parseSpec('http url=http://127.0.0.1/ max_retries=2 tolerance=ok', catalog, 'hypothesis');
    assert.deepEqual([h.arguments, h.tolerance, h.offering.provider(h.arguments)], [{ url: 'http://127.0.0.1/', max_retries: 2 }, 'ok', { type: 'http', url: 'http://127.0.0.1/', max_retries: 2 }]);
  });
});

describe('undo planned as a rollback', () => {
  it('maps a result that echoes the arguments (move_file)', () => {
    assert.deepEqual(planUndo(activity('turbulence.file.move_file'), { src: '/a', dst: '/b' }), {
      kind: 'plan',
      plan: { module: 'turbulence.file', func: 'move_file', arguments: { src: '/b', dst: '/a' }, fromResult: {} },
    });
  });
  it('names what comes from the result (pause_process, start_process, delete_file)', () => {
    assert.deepEqual(planUndo(activity('turbulence.process.pause_process'), { name: 'api' }), {
      kind: 'plan',
      plan: { module: 'turbulence.process', func: 'resume_process', arguments: {}, fromResult: { pid: 'result.pids' } },
    });
    assert.deepEqual(planUndo(activity('turbulence.process.start_process'), { argv: ['sleep', '9'] }), {
      kind: 'plan',
      plan: { module: 'turbulence.process', func: 'kill_process', arguments: { signal: 'SIGTERM' }, fromResult: { pid: 'result' } },
    });
    const del = planUndo(activity('turbulence.file.delete_file'), { path: '/x' });
    assert.ok(del.kind === 'plan');
    assert.deepEqual([del.plan.arguments, del.plan.fromResult], [{ path: '/x' }, { backup: 'result.backup' }]);
  });
  it('has nothing for an action without undo, and gives up on an undo it cannot follow', () => {
    assert.deepEqual(planUndo(activity('turbulence.process.kill_process'), { name: 'x' }), { kind: 'none' });
    const odd: DefinedActivity = {
      ...activity('turbulence.process.kill_process'),
      undo: (_, r) => ({ module: 'm', func: 'f', arguments: { pids: (r as number[]).map((p) => p + 1) } }),
    };
    assert.equal(planUndo(odd, {}).kind, 'opaque');
    const built: DefinedActivity = { ...odd, undo: (_, r) => ({ module: 'm', func: 'f', arguments: { label: `pid-${(r as { pid: number }).pid}` } }) };
    assert.deepEqual(planUndo(built, {}), { kind: 'plan', plan: { module: 'm', func: 'f', arguments: {}, fromResult: { label: 'result.pid' } } });
  });
});
