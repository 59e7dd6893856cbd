// The schema vocabulary and the generated JSON Schema: the committed file is up to date, it compiles under a real
// JSON Schema validator (ajv, draft 2020-12, strict), and that validator's structural verdict agrees with ours on
// every fixture and on each vocabulary construct.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseDocument } from '../../src/document/index.ts';
import { loadDriverActivities } from '../../src/drivers/all.ts';
import { checkDocument } from '../../src/experiment/schema/check.ts';
import { renderExperimentSchema } from '../../src/experiment/schema/document.ts';
import { experimentSchema } from '../../src/experiment/schema/experiment.ts';
import { toJsonSchema } from '../../src/experiment/schema/json-schema.ts';
import { type Node, any, arr, custom, int, lazy, map, obj, oneOf, opt, req, str, union } from '../../src/experiment/schema/vocabulary.ts';

const FIXTURES = new URL('../fixtures/experiments/', import.meta.url);
const COMMITTED = new URL('../../schema/experiment.schema.json', import.meta.url);

function ajv() {
  return new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
}

export async function fixtures(): Promise<{ dir: string; name: string; value: unknown }[]> {
  const out = [];
  for (const dir of readdirSync(FIXTURES)) {
    for (const name of readdirSync(new URL(`${dir}/`, FIXTURES))) {
      const url = new URL(`${dir}/${name}`, FIXTURES);
      const doc = await parseDocument(readFileSync(url, 'utf8'), url.pathname, name.endsWith('.json') ? 'json' : 'yaml');
      out.push({ dir, name, value: doc.value });
    }
  }
  return out;
}

describe('schema/experiment.schema.json', () => {
  it('is what scripts/gen-schema.ts generates (run `npm run schema` after changing src/experiment/schema/ or a driver)', async () => {
    assert.equal(readFileSync(COMMITTED, 'utf8'), renderExperimentSchema(await loadDriverActivities()));
  });

  it('is a draft 2020-12 schema that compiles in strict mode', () => {
    const schema = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    ajv().compile(schema);
  });

  it('carries titles and descriptions for editors', () => {
    const schema = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    assert.ok(schema.title && schema.description);
    assert.match(schema.properties.method.description, /Activities/);
    for (const def of ['activity', 'providerHttp', 'providerProcess', 'providerPython', 'tolerance', 'control', 'hypothesis']) {
      assert.ok(schema.$defs[def]?.title, `$defs.${def} has a title`);
    }
    // a discriminated union offers the discriminator's values once no variant matched
    assert.deepEqual(schema.$defs.provider.else.else.else.properties.type.enum, ['python', 'process', 'http']);
  });

  it("agrees with ajv's verdict on every fixture", async () => {
    const validate = ajv().compile(JSON.parse(readFileSync(COMMITTED, 'utf8')));
    const all = await fixtures();
    assert.ok(all.length > 40);
    for (const { dir, name, value } of all) {
      const ours = checkDocument(experimentSchema(), value, { structuralOnly: true }).problems;
      const theirs = validate(value);
      assert.equal(theirs, ours.length === 0, `${dir}/${name}: ajv ${theirs}, ours ${JSON.stringify(ours)}`);
      if (dir === 'valid' || dir === 'semantic') assert.equal(theirs, true, `${dir}/${name} is structurally valid`);
      if (dir === 'invalid' || dir === 'multi') assert.equal(theirs, false, `${dir}/${name} is structurally invalid`);
    }
  });
});

describe('schema vocabulary', () => {
  // A toy schema using every construct, checked against ajv on a table of values.
  const tree: Node = lazy(() => treeNode);
  const treeNode: Node = obj({ label: req(str({ minLength: 1 }), 'a node needs a label', { truthy: true }), children: opt(arr(tree)) }, { id: 'tree' });
  const toy = obj({
    kind: req(oneOf(['a', 'b'], { enumMessage: (v) => `bad kind ${String(v)}` }), 'kind is required'),
    size: opt(int({ minimum: 1 }), { nullable: true }),
    pair: opt(arr(undefined, { prefixItems: [str(), int()], minItems: 2, maxItems: 2 })),
    shape: opt(
      union(
        [
          { when: { key: 'type', equals: 'circle' }, node: obj({ type: req(oneOf(['circle']), ''), r: req(int(), 'r') }) },
          { when: { key: 'type', equals: 'square' }, node: obj({ type: req(oneOf(['square']), ''), side: req(int(), 'side') }) },
        ],
        'unknown shape',
      ),
    ),
    ref: opt(union([{ when: { hasKey: 'ref' }, node: obj({ ref: req(str(), 'ref') }) }, { when: { type: ['string', 'integer'] }, node: any() }], 'neither')),
    tags: opt(map(str())),
    tree: opt(tree),
    odd: opt(custom(int(), (v, path, ctx) => void ((v as number) % 2 === 0 && ctx.problems.push({ message: 'even', path })))),
  });
  const validate = ajv().compile(toJsonSchema(toy));
  const verdict = (v: unknown) => checkDocument(toy, v, { structuralOnly: true }).problems.length === 0;

  const cases: [unknown, boolean][] = [
    [{ kind: 'a' }, true],
    [{}, false],
    [{ kind: 'c' }, false],
    [{ kind: 'a', size: null }, true],
    [{ kind: 'a', size: 0 }, false],
    [{ kind: 'a', size: 1.5 }, false],
    [{ kind: 'a', pair: ['x', 1] }, true],
    [{ kind: 'a', pair: ['x', 'y'] }, false],
    [{ kind: 'a', pair: ['x'] }, false],
    [{ kind: 'a', pair: ['x', 1, 2] }, false],
    [{ kind: 'a', shape: { type: 'circle', r: 1 } }, true],
    [{ kind: 'a', shape: { type: 'circle', side: 1 } }, false],
    [{ kind: 'a', shape: { type: 'square', side: 1 } }, true],
    [{ kind: 'a', shape: { type: 'hexagon' } }, false],
    [{ kind: 'a', shape: 'circle' }, false],
    [{ kind: 'a', ref: { ref: 'x' } }, true],
    [{ kind: 'a', ref: { ref: null } }, false],
    [{ kind: 'a', ref: 'x' }, true],
    [{ kind: 'a', ref: 1 }, true],
    [{ kind: 'a', ref: 1.5 }, false],
    [{ kind: 'a', tags: { x: 'y' } }, true],
    [{ kind: 'a', tags: { x: 1 } }, false],
    [{ kind: 'a', tree: { label: 'r', children: [{ label: 'c', children: [{ label: 'g' }] }] } }, true],
    [{ kind: 'a', tree: { label: 'r', children: [{ label: 'c', children: [{ label: '' }] }] } }, false],
    [{ kind: 'a', tree: { label: 'r', children: [{}] } }, false],
    [{ kind: 'a', odd: 2 }, true], // the custom part is semantic: not in the JSON Schema
    [{ kind: 'a', odd: 'x' }, false],
  ];

  it('gives the same structural verdict as ajv on the generated schema', () => {
    for (const [value, valid] of cases) {
      assert.equal(verdict(value), valid, `ours: ${JSON.stringify(value)}`);
      assert.equal(validate(value), valid, `ajv: ${JSON.stringify(value)}`);
    }
  });

  it('reports custom messages with paths, every problem at once', () => {
    const { problems } = checkDocument(toy, { kind: 'c', size: 0, shape: { type: 'circle' }, odd: 4, tree: { label: 'r', children: [{}] } });
    assert.deepEqual(
      problems.map((p) => [p.message, p.path.join('.')]),
      [
        ['bad kind c', 'kind'],
        ['expected a number of at least 1', 'size'],
        ['r', 'shape'],
        ['a node needs a label', 'tree.children.0'],
        ['even', 'odd'],
      ],
    );
  });

  it('emits recursive nodes once under $defs', () => {
    const schema = toJsonSchema(toy) as { $defs: Record<string, unknown> };
    assert.deepEqual(Object.keys(schema.$defs), ['tree']);
    assert.match(JSON.stringify(schema.$defs.tree), /"\$ref":"#\/\$defs\/tree"/);
  });

  it('never reaches Object.prototype for keys such as constructor', () => {
    const node = obj({ constructor: req(str(), 'constructor is required'), toString: opt(int()) });
    assert.deepEqual(
      checkDocument(node, {}).problems.map((p) => p.message),
      ['constructor is required'],
    );
    assert.equal(checkDocument(node, JSON.parse('{"constructor": "x", "__proto__": 1}')).problems.length, 0);
  });
});
