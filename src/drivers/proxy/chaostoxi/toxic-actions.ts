// chaostoxi.toxic.actions (chaostoolkit-toxiproxy 0.3.1), natively. The shortcuts are downstream with toxicity 1.0;
// a toxic the API refuses fails with the reference's TypeError (it subscripts the None it got back).
import { log } from '../../../log.ts';
import { pyEquals } from '../../../python/compare.ts';
import { pythonStr } from '../../../python/values.ts';
import { PythonException } from '../../../providers/python/exceptions.ts';
import { type NativeParameter, registerNative } from '../../../providers/python/native.ts';
import { configOf, configuration, opt, param } from './signature.ts';
import * as api from './toxiproxyapi.ts';
import { ledgered, toxicFault, toxicRemoval } from './ledger.ts';

const MODULE = 'chaostoxi.toxic.actions';

async function createToxic(
  forProxy: unknown,
  toxicName: unknown,
  type: unknown,
  stream: unknown,
  toxicity: unknown,
  attributes: unknown,
  config: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<boolean> {
  log.info(
    `Creating toxy ${pythonStr(toxicName)} for proxy ${pythonStr(forProxy)} with type: ${pythonStr(type)} as a ${pythonStr(stream)} ` +
      `with toxicity ${pythonStr(toxicity)} and attributes ${pythonStr(attributes)}`,
  );
  const body = { name: toxicName, type, stream, toxicity, attributes };
  log.debug(`json format for toxy creation: ${pythonStr(body)}`);
  const toxic = await api.createToxic(forProxy, body, config, signal);
  if (toxic === null) throw new PythonException('TypeError', "'NoneType' object is not subscriptable");
  if (typeof toxic !== 'object' || Array.isArray(toxic) || !Object.hasOwn(toxic, 'name')) throw new PythonException('KeyError', "'name'");
  return pyEquals((toxic as Record<string, unknown>).name, toxicName);
}

registerNative(
  ledgered(
    {
      module: MODULE,
      func: 'delete_toxic',
      doc: 'Deletes the a given toxic.',
      parameters: [param('for_proxy', 'string'), param('toxic_name', 'string'), configuration],
      run: (a, ctx) => api.deleteToxic(a.for_proxy, a.toxic_name, configOf(a), ctx.signal),
    },
    toxicRemoval,
  ),
);

registerNative(
  ledgered(
    {
      module: MODULE,
      func: 'create_toxic',
      doc: 'Allows you to create any of the supported types of toxics\nwith their attributes.',
      parameters: [
        param('for_proxy', 'string'),
        param('toxic_name', 'string'),
        param('toxic_type', 'string'),
        opt('stream', 'downstream', 'string'),
        opt('toxicity', 1.0, 'number'),
        opt('attributes', null, 'mapping'),
        configuration,
      ],
      run: (a, ctx) => createToxic(a.for_proxy, a.toxic_name, a.toxic_type, a.stream, a.toxicity, a.attributes, configOf(a), ctx.signal),
    },
    toxicFault((a) => a.toxic_type, (a) => a.stream),
  ),
);

/** The shortcuts: one toxic type, its attributes from the function's own arguments, downstream, toxicity 1.0. */
const shortcuts: [func: string, doc: string, type: string, params: NativeParameter[], attributes: (a: Record<string, unknown>) => Record<string, unknown>][] = [
  [
    'create_latency_toxic',
    'Add a delay to all data going through the proxy using a downstream\nwith a toxicity of 100%.',
    'latency',
    [param('latency', 'integer'), opt('jitter', 0, 'integer')],
    (a) => ({ latency: a.latency, jitter: a.jitter }),
  ],
  ['create_bandwith_degradation_toxic', 'Limit the bandwith of a  downstream connection with a toxicity of 100%.', 'bandwidth', [param('rate', 'integer')], (a) => ({ rate: a.rate })],
  // the reference's docstring, copied from the function above
  ['create_slow_connection_close_toxic', 'Limit the bandwith of a  downstream connection with a toxicity of 100%.', 'slow_close', [param('delay', 'integer')], (a) => ({ delay: a.delay })],
  ['create_timeout_toxic', 'Generate as downstream delayed TCP close with a toxicity of 100%.', 'timeout', [param('timeout', 'integer')], (a) => ({ timeout: a.timeout })],
  [
    'create_slicer_toxic',
    'Slices TCP data up into small bits, optionally adding a delay between\neach sliced "packet" with a toxicity of 100%.',
    'slicer',
    [param('average_size', 'integer'), param('size_variation', 'integer'), param('delay', 'integer')],
    (a) => ({ average_size: a.average_size, size_variation: a.size_variation, delay: a.delay }),
  ],
  [
    'create_limiter_toxic',
    'Closes connections when transmitted data after the limit,\nsets it up as a dowsntream, 100% toxicity.',
    'limit_data',
    [param('bytes_limit', 'integer')],
    (a) => ({ bytes: a.bytes_limit }),
  ],
];

for (const [func, doc, type, params, attributes] of shortcuts) {
  registerNative(
    ledgered(
      {
        module: MODULE,
        func,
        doc,
        parameters: [param('for_proxy', 'string'), param('toxic_name', 'string'), ...params, configuration],
        run: (a, ctx) => createToxic(a.for_proxy, a.toxic_name, type, 'downstream', 1.0, attributes(a), configOf(a), ctx.signal),
      },
      toxicFault(() => type, () => 'downstream'),
    ),
  );
}
