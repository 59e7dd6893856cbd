// The native drivers' arguments in schema/experiment.schema.json: a real JSON Schema validator (ajv, draft 2020-12,
// strict) rejects a driver activity with a wrong argument type, an unknown or a missing argument, or a function the
// driver does not have, and accepts good ones; on every activity of every driver its verdict agrees with
// `turbulence validate`'s (validateExperiment).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { loadDriverActivities } from '../../src/drivers/all.ts';
import { DRIVERS } from '../../src/drivers/index.ts';
import { checkDocument } from '../../src/experiment/schema/check.ts';
import type { Json } from '../../src/experiment/types.ts';
import { validateExperiment } from '../../src/experiment/validate.ts';
import '../../src/providers/index.ts';

const schema = JSON.parse(readFileSync(new URL('../../schema/experiment.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).compile(schema);

const experiment = (module: string, func: string, args: Record<string, Json>) => ({
  title: 't',
  description: 'd',
  method: [{ type: 'action', name: 'a', provider: { type: 'python', module, func, arguments: args } }],
});

async function verdicts(module: string, func: string, args: Record<string, Json>): Promise<{ ajv: boolean; ours: boolean }> {
  const e = experiment(module, func, args);
  const ours = (await validateExperiment(structuredClone(e), { env: { PATH: process.env.PATH } })).problems.length === 0;
  return { ajv: ajv(e) as boolean, ours };
}

describe('driver arguments in the JSON Schema', () => {
  const cases: [string, string, Record<string, Json>, boolean][] = [
    ['turbulence.process', 'kill_process', { name: 'myservice', signal: 'SIGTERM' }, true],
    ['turbulence.process', 'kill_process', { pid: 'abc' }, false],
    ['turbulence.process', 'kill_process', { pid: 0 }, false],
    ['turbulence.process', 'kill_process', { pid: [12, 13] }, true],
    ['turbulence.process', 'kill_process', { pid: null }, true],
    ['turbulence.process', 'kill_process', { name: 'x', signal: 'SIGFOO' }, false],
    ['turbulence.process', 'kill_process', { nam: 'x' }, false],
    ['turbulence.process', 'kill_proces', { name: 'x' }, false],
    ['turbulence.process', 'port_listening', { port: '${port}' }, true],
    ['turbulence.process', 'port_listening', { port: '8080' }, false],
    ['turbulence.process', 'port_listening', {}, false],
    ['turbulence.process', 'start_process', { argv: ['sleep', '${seconds}'], env: { A: '${a}' } }, true],
    ['turbulence.process', 'start_process', { argv: 'sleep 1' }, false],
    ['turbulence.file', 'change_permissions', { path: '/tmp/x', mode: '0644' }, true],
    ['turbulence.file', 'change_permissions', { path: '/tmp/x', mode: 'rw' }, false],
    ['turbulence.file', 'truncate_file', { path: '/tmp/x', size: 1.5 }, false],
    ['turbulence.file', 'move_file', { src: '/a', dst: '/b', overwrite: 'yes' }, false],
  ];
  for (const [module, func, args, valid] of cases) {
    it(`${valid ? 'accepts' : 'rejects'} ${module}.${func} ${JSON.stringify(args)}, as turbulence validate does`, async () => {
      const v = await verdicts(module, func, args);
      assert.equal(v.ajv, valid, `ajv: ${JSON.stringify(ajv.errors?.slice(0, 3))}`);
      assert.equal(v.ours, valid, 'turbulence validate');
    });
  }

  it('leaves other python modules free', () => {
    assert.equal(ajv(experiment('chaosk8s.pod.actions', 'terminate_pods', { anything: { at: 'all' } })), true);
  });

  it('covers every driver DRIVERS lists, offering their modules and functions for completion', async () => {
    const rules = schema.$defs.providerPython.allOf as { if?: { properties: Record<string, { const: string }> }; properties?: { module: { examples: string[] } } }[];
    const modules = rules.find((r) => r.properties?.module)!.properties!.module.examples;
    assert.deepEqual([...modules].sort(), Object.values(DRIVERS).sort());
    const activities = await loadDriverActivities();
    const covered = new Set(rules.filter((r) => r.if?.properties.func).map((r) => `${r.if!.properties.module!.const}.${r.if!.properties.func!.const}`));
    for (const a of activities) assert.ok(covered.has(`${a.module}.${a.name}`), `${a.module}.${a.name} is in the schema`);
  });

  // Sample values for every activity: a good one per required argument, a wrong-typed one per argument.
  const SAMPLES: Json[] = [true, 0, 1, 8080, 0.5, 'text', '/tmp', '0644', 'SIGTERM', ['text'], [1], { a: 'b' }, {}, [], null];
  const good = (node: Parameters<typeof checkDocument>[0]) =>
    [...(node.kind === 'enum' ? node.values : []), ...SAMPLES].find((v) => v !== null && checkDocument(node, v).problems.length === 0);
  const wrong = (node: Parameters<typeof checkDocument>[0]) =>
    SAMPLES.find((v) => v !== null && !(typeof v === 'string' && v.includes('${')) && checkDocument(node, v, { structuralOnly: true }).problems.length > 0);

  it('agrees with turbulence validate on every activity: good, missing, unknown and wrong-typed arguments', async () => {
    let compared = 0;
    for (const a of await loadDriverActivities()) {
      const base: Record<string, Json> = {};
      for (const arg of a.arguments.filter((x) => x.default === undefined)) base[arg.name] = good(arg.schema) as Json;
      if (Object.values(base).some((v) => v === undefined)) continue; // no sample fits a required argument
      const variants: [string, Record<string, Json>, boolean][] = [
        ['good', base, true],
        ['unknown argument', { ...base, no_such_argument: 1 }, false],
        ...a.arguments.filter((x) => x.default === undefined).map((x): [string, Record<string, Json>, boolean] => {
          const { [x.name]: _, ...rest } = base;
          return [`without ${x.name}`, rest, false];
        }),
        ...a.arguments.flatMap((x): [string, Record<string, Json>, boolean][] => {
          const w = wrong(x.schema);
          return w === undefined ? [] : [[`${x.name}=${JSON.stringify(w)}`, { ...base, [x.name]: w }, false]];
        }),
      ];
      for (const [what, args, valid] of variants) {
        const v = await verdicts(a.module, a.name, args);
        assert.equal(v.ajv, valid, `ajv on ${a.module}.${a.name} ${what}: ${JSON.stringify(ajv.errors?.slice(0, 3))}`);
        assert.equal(v.ours, valid, `turbulence validate on ${a.module}.${a.name} ${what}`);
        compared++;
      }
    }
    assert.ok(compared > 100, `only ${compared} comparisons`);
  });
});
