// What an experiment can be authored from: every activity of the native drivers (their definitions give the
// arguments, docs, return types and undos) plus the generic http and process providers, whose arguments are the
// provider members of the experiment format itself.
import { loadDriverActivities } from '../drivers/all.ts';
import type { DefinedActivity, DriverArgument } from '../drivers/define.ts';
import { provider as providerNode } from '../experiment/schema/provider.ts';
import type { Node, ObjectNode } from '../experiment/schema/vocabulary.ts';
import type { Json, Provider } from '../experiment/types.ts';

export interface Offering {
  /** how a spec names it: module.func for a driver activity, `http` or `process` for a generic provider */
  id: string;
  /** a generic provider can be a probe or an action */
  kind: 'probe' | 'action' | 'either';
  /** heading of the numbered lists: the driver module, or "generic providers" */
  group: string;
  doc: string;
  arguments: DriverArgument[];
  /** chaostoolkit's portable type name of the output */
  returns?: string;
  /** the driver definition (for the undo of an action) */
  activity?: DefinedActivity;
  provider(args: Record<string, Json>): Provider;
}

export const GENERIC = 'generic providers';

/** Members of a generic provider that are not arguments: the type, and ones that change nothing. */
const NOT_ARGUMENTS = new Set(['type', 'secrets', 'expected_status']);

/** The arguments of a generic provider: the members of its node in the experiment format. */
function members(type: 'http' | 'process'): DriverArgument[] {
  const union = providerNode(false);
  if (union.kind !== 'union') throw new Error('the provider node is a union by type');
  const node = union.variants.find((v) => 'key' in v.when && v.when.equals === type)!.node as ObjectNode;
  return Object.entries(node.properties ?? {})
    .filter(([name]) => !NOT_ARGUMENTS.has(name))
    .map(([name, p]): DriverArgument => {
      const schema: Node = p.description && !p.node.description ? { ...p.node, description: p.description } : p.node;
      return p.required !== undefined ? { name, schema } : { name, schema, default: p.node.default ?? null };
    });
}

function generic(): Offering[] {
  return [
    {
      id: 'http',
      kind: 'either',
      group: GENERIC,
      doc: 'Send an HTTP request; its output is {status, headers, body} (4xx/5xx are outputs, not failures).',
      arguments: members('http'),
      returns: 'mapping',
      provider: (args) => ({ type: 'http', ...args }) as Provider,
    },
    {
      id: 'process',
      kind: 'either',
      group: GENERIC,
      doc: 'Run an executable (looked up on PATH); its output is {status, stdout, stderr} (a non-zero exit is an output).',
      arguments: members('process'),
      returns: 'mapping',
      provider: (args) => ({ type: 'process', ...args }) as Provider,
    },
  ];
}

function fromDriver(a: DefinedActivity): Offering {
  return {
    id: `${a.module}.${a.name}`,
    kind: a.kind,
    group: a.module,
    doc: a.doc,
    arguments: a.arguments,
    returns: a.returns,
    activity: a,
    provider: (args) => ({ type: 'python', module: a.module, func: a.name, arguments: args }),
  };
}

/** Every offering: driver activities by module then name, then the generic providers. */
export async function loadCatalog(): Promise<Offering[]> {
  return [...(await loadDriverActivities()).map(fromDriver), ...generic()];
}

/** The offering a spec names, or a one-line error that says what exists. */
export function findOffering(catalog: Offering[], id: string): Offering | string {
  const found = catalog.find((o) => o.id === id);
  if (found) return found;
  const dot = id.lastIndexOf('.');
  const module = dot > 0 ? id.slice(0, dot) : '';
  const siblings = catalog.filter((o) => o.group === module).map((o) => o.id.slice(dot + 1));
  if (siblings.length) return `unknown activity '${id}': ${module} has ${siblings.join(', ')}`;
  const modules = [...new Set(catalog.filter((o) => o.group !== GENERIC).map((o) => o.group))];
  return `unknown activity '${id}': expected module.func of a driver (${modules.join(', ')}), http or process`;
}
