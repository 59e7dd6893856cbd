// Request sequences for the differential API test (differential.test.ts), derived from Toxiproxy 2.12.0's
// api_test.go (named in `source`) and from api.go / proxy.go / toxic_collection.go where the tests are silent.
// Each scenario starts from a server without proxies. `$P1`..`$P4` stand for free 127.0.0.1 ports picked at run
// time; upstreams (`localhost:20001`...) are never listened on, as in api_test.go.

export type Normalization =
  /** The reference binary is built without -ldflags, so it reports "git"; only the shape is compared. */
  | 'version'
  /** Go's json decode errors name Go types (`Go struct field Proxy.name of type string`): keep the prefix only. */
  | 'decodeError';

export interface Step {
  name: string;
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT' | 'HEAD' | 'OPTIONS';
  path?: string;
  /** JSON body (serialised with JSON.stringify) ... */
  body?: unknown;
  /** ... or a raw body, sent as is. */
  raw?: string;
  userAgent?: string;
  /** Instead of an HTTP request: connect to this port placeholder and compare 'open' / 'refused'. */
  connect?: string;
  normalize?: Normalization[];
}

export interface Scenario {
  name: string;
  source: string;
  steps: Step[];
}

const UP = 'localhost:20001';
const get = (name: string, path: string, extra: Partial<Step> = {}): Step => ({ name, method: 'GET', path, ...extra });
const post = (name: string, path: string, body?: unknown, extra: Partial<Step> = {}): Step => ({ name, method: 'POST', path, body, ...extra });
const patch = (name: string, path: string, body?: unknown, extra: Partial<Step> = {}): Step => ({ name, method: 'PATCH', path, body, ...extra });
const del = (name: string, path: string): Step => ({ name, method: 'DELETE', path });
const raw = (name: string, method: Step['method'], path: string, body: string, extra: Partial<Step> = {}): Step => ({ name, method, path, raw: body, ...extra });
const connect = (name: string, port: string): Step => ({ name, connect: port });
const mysql = (listen = 'localhost:$P1', extra: Record<string, unknown> = {}) => ({ name: 'mysql_master', listen, upstream: UP, ...extra });

export const scenarios: Scenario[] = [
  {
    name: 'version',
    source: 'TestVersionEndpointReturnsVersion, TestRequestId',
    steps: [get('GET /version', '/version', { normalize: ['version'] })],
  },
  {
    name: 'browsers get 403',
    source: 'TestBrowserGets403, TestNonBrowserGets200',
    steps: [
      get('Mozilla GET /proxies', '/proxies', { userAgent: 'Mozilla/5.0 (Linux; Android 4.4.2) AppleWebKit/537.36 Chrome/33.0' }),
      post('Mozilla POST /proxies', '/proxies', mysql(), { userAgent: 'Mozilla/5.0' }),
      get('Wget GET /proxies (nothing was created)', '/proxies', { userAgent: 'Wget/2.1' }),
      get('no user agent GET /proxies', '/proxies'),
      get('mozilla lowercase is not a browser', '/proxies', { userAgent: 'mozilla/5.0' }),
    ],
  },
  {
    name: 'routing',
    source: 'api.go Routes (gorilla/mux defaults)',
    steps: [
      get('unknown path', '/nothing'),
      get('trailing slash', '/proxies/'),
      { name: 'PUT /proxies', method: 'PUT', path: '/proxies' },
      del('DELETE /proxies', '/proxies'),
      get('GET /reset', '/reset'),
      { name: 'OPTIONS /version', method: 'OPTIONS', path: '/version' },
      get('Mozilla on an unknown path', '/nothing', { userAgent: 'Mozilla/5.0' }),
    ],
  },
  {
    name: 'create validation',
    source: 'TestCreateProxyBlankName, TestCreateProxyBlankUpstream',
    steps: [
      post('empty object', '/proxies', {}),
      post('blank name', '/proxies', { name: '', listen: '', upstream: '' }),
      post('blank upstream', '/proxies', { name: 'test', listen: '', upstream: '' }),
      post('name missing, upstream given', '/proxies', { upstream: UP }),
      raw('empty body', 'POST', '/proxies', ''),
      raw('truncated JSON', 'POST', '/proxies', '{'),
      raw('not JSON', 'POST', '/proxies', 'nope'),
      post('array instead of object', '/proxies', [], { normalize: ['decodeError'] }),
      post('number as name', '/proxies', { name: 5, upstream: UP }, { normalize: ['decodeError'] }),
      post('string as enabled', '/proxies', { name: 'x', upstream: UP, enabled: 'yes' }, { normalize: ['decodeError'] }),
      post('listen without port', '/proxies', { name: 'x', listen: 'local373', upstream: UP }),
      get('nothing was created', '/proxies'),
    ],
  },
  {
    name: 'create and get',
    source: 'TestCreateAndGetProxy, TestListingProxies, TestListingToxics, TestIndexWithNoProxies',
    steps: [
      get('no proxies', '/proxies'),
      post('create', '/proxies', mysql()),
      get('list', '/proxies'),
      get('show', '/proxies/mysql_master'),
      get('toxics', '/proxies/mysql_master/toxics'),
      connect('listening', '$P1'),
      get('missing proxy', '/proxies/nope'),
      get('missing proxy toxics', '/proxies/nope/toxics'),
      post('unknown fields are ignored, enabled null keeps the default', '/proxies', { name: 'extra', listen: '127.0.0.1:$P2', upstream: UP, enabled: null, toxics: [{ type: 'latency' }], colour: 'red' }),
      get('list is keyed and sorted by name', '/proxies'),
      post('name with a space', '/proxies', { name: 'a b', listen: '127.0.0.1:0', upstream: UP, enabled: false }),
      get('show by percent-encoded name', '/proxies/a%20b'),
    ],
  },
  {
    name: 'create disabled, enable, disable',
    source: 'TestCreateDisabledProxy, TestCreateDisabledProxyAndEnable, TestCreateProxyWithSave',
    steps: [
      post('create disabled', '/proxies', mysql('localhost:$P1', { enabled: false })),
      get('show keeps the unresolved listen', '/proxies/mysql_master'),
      connect('not listening', '$P1'),
      post('enable with the deprecated POST', '/proxies/mysql_master', mysql('localhost:$P1', { enabled: true })),
      connect('listening', '$P1'),
      post('disable with the full body', '/proxies/mysql_master', mysql('127.0.0.1:$P1', { enabled: false })),
      connect('not listening again', '$P1'),
      patch('enable with PATCH', '/proxies/mysql_master', { enabled: true }),
      connect('listening again', '$P1'),
    ],
  },
  {
    name: 'delete',
    source: 'TestDeleteProxy',
    steps: [
      post('create', '/proxies', mysql()),
      connect('listening', '$P1'),
      del('delete', '/proxies/mysql_master'),
      connect('not listening', '$P1'),
      get('list is empty', '/proxies'),
      del('delete again', '/proxies/mysql_master'),
      get('show deleted', '/proxies/mysql_master'),
    ],
  },
  {
    name: 'port conflict',
    source: 'TestCreateProxyPortConflict',
    steps: [
      post('create', '/proxies', mysql()),
      post('same port', '/proxies', { name: 'test', listen: 'localhost:$P1', upstream: UP }),
      get('only the first exists', '/proxies'),
      del('delete the first', '/proxies/mysql_master'),
      post('port is free again', '/proxies', { name: 'test', listen: 'localhost:$P1', upstream: UP }),
      post('disabled proxies do not hold their port', '/proxies', { name: 'idle', listen: '127.0.0.1:$P2', upstream: UP, enabled: false }),
      post('so another may take it', '/proxies', { name: 'busy', listen: '127.0.0.1:$P2', upstream: UP }),
    ],
  },
  {
    name: 'name conflict',
    source: 'TestCreateProxyNameConflict',
    steps: [
      post('create', '/proxies', mysql()),
      post('same name, other port', '/proxies', mysql('localhost:$P2')),
      post('same name and port: the name is checked first', '/proxies', mysql()),
      connect('the second port was not opened', '$P2'),
      del('delete', '/proxies/mysql_master'),
      post('create again', '/proxies', mysql('localhost:$P2')),
    ],
  },
  {
    name: 'populate',
    source: 'TestPopulateProxy, TestPopulateDefaultEnabled, TestPopulateDisabledProxy, TestPopulateAddToxic',
    steps: [
      post('populate two', '/populate', [
        { name: 'one', listen: 'localhost:$P1', upstream: 'localhost:7171', enabled: true },
        { name: 'two', listen: 'localhost:$P2', upstream: 'localhost:7474', enabled: true },
      ]),
      connect('one listens', '$P1'),
      connect('two listens', '$P2'),
      post('populate without enabled', '/populate', [{ name: 'three', listen: 'localhost:$P3', upstream: 'localhost:7676' }]),
      connect('three listens (enabled by default)', '$P3'),
      post('populate a disabled one', '/populate', [{ name: 'four', listen: 'localhost:$P4', upstream: 'localhost:7878', enabled: false }]),
      connect('four does not listen', '$P4'),
      post('add a toxic to a populated proxy', '/proxies/one/toxics', { type: 'latency', stream: 'downstream', toxicity: 1 }),
      get('list', '/proxies'),
      post('populate nothing', '/populate', []),
    ],
  },
  {
    name: 'populate existing',
    source: 'TestPopulateExistingProxy',
    steps: [
      post('create one', '/proxies', { name: 'one', listen: 'localhost:$P1', upstream: 'localhost:7171' }),
      post('create two', '/proxies', { name: 'two', listen: 'localhost:$P2', upstream: 'localhost:7474' }),
      post('toxic on one', '/proxies/one/toxics', { type: 'latency', stream: 'downstream', toxicity: 1 }),
      post('toxic on two', '/proxies/two/toxics', { type: 'latency', stream: 'downstream', toxicity: 1 }),
      post('populate: one unchanged, two moved', '/populate', [
        { name: 'one', listen: 'localhost:$P1', upstream: 'localhost:7171', enabled: true },
        { name: 'two', listen: '127.0.0.1:$P3', upstream: 'localhost:7676', enabled: true },
      ]),
      get('one kept its toxic, two was replaced', '/proxies'),
      connect('old port of two closed', '$P2'),
      connect('new port of two open', '$P3'),
      post('populate with a changed upstream only', '/populate', [{ name: 'one', listen: '127.0.0.1:$P1', upstream: 'localhost:9999' }]),
      get('one replaced', '/proxies/one'),
    ],
  },
  {
    name: 'populate validation',
    source: 'TestPopulateWithBadName',
    steps: [
      post('missing name at proxy 2', '/populate', [
        { name: 'one', listen: 'localhost:$P1', upstream: 'localhost:7171', enabled: true },
        { name: '', listen: '', enabled: true },
      ]),
      post('missing upstream at proxy 3', '/populate', [
        { name: 'one', listen: 'localhost:$P1', upstream: 'localhost:7171' },
        { name: 'two', listen: 'localhost:$P2', upstream: 'localhost:7474' },
        { name: 'three', listen: 'localhost:$P3' },
      ]),
      get('nothing was created', '/proxies'),
      connect('port of one not opened', '$P1'),
      raw('empty body', 'POST', '/populate', ''),
      raw('truncated JSON', 'POST', '/populate', '[{'),
      post('object instead of array', '/populate', { name: 'one', upstream: UP }, { normalize: ['decodeError'] }),
      post('string enabled', '/populate', [{ name: 'one', upstream: UP, enabled: 'no' }], { normalize: ['decodeError'] }),
      get('still nothing', '/proxies'),
    ],
  },
  {
    name: 'populate partial failure',
    source: 'TestPopulateProxyWithBadDataShouldReturnError',
    steps: [
      post('bad listen at proxy 2', '/populate', [
        { name: 'one', listen: 'localhost:$P1', upstream: 'localhost:7171', enabled: true },
        { name: 'two', listen: 'local373', upstream: 'localhost:7474', enabled: true },
        { name: 'three', listen: 'localhost:$P3', upstream: 'localhost:7676', enabled: true },
      ]),
      get('only one exists', '/proxies'),
      connect('one listens', '$P1'),
      connect('three never started', '$P3'),
      post('bind conflict inside one populate', '/populate', [
        { name: 'a', listen: '127.0.0.1:$P2', upstream: UP },
        { name: 'b', listen: '127.0.0.1:$P2', upstream: UP },
      ]),
      get('a exists, b does not', '/proxies'),
      post('existing proxy with an unresolvable listen', '/populate', [{ name: 'one', listen: 'local373', upstream: 'localhost:7171' }]),
    ],
  },
  {
    name: 'update merge',
    source: 'TestCreateDisabledProxyAndEnable, api.go ProxyUpdate, proxy.go Update',
    steps: [
      post('create', '/proxies', mysql('127.0.0.1:$P1')),
      patch('upstream only', '/proxies/mysql_master', { upstream: 'localhost:20002' }),
      patch('empty object changes nothing', '/proxies/mysql_master', {}),
      post('disable with POST', '/proxies/mysql_master', { enabled: false }),
      connect('disabled', '$P1'),
      patch('move while disabled', '/proxies/mysql_master', { listen: '127.0.0.1:$P2' }),
      connect('still not listening on the new port', '$P2'),
      patch('enable', '/proxies/mysql_master', { enabled: true }),
      connect('new port open', '$P2'),
      connect('old port closed', '$P1'),
      patch('name in the body is ignored', '/proxies/mysql_master', { name: 'renamed' }),
      get('renamed does not exist', '/proxies/renamed'),
      patch('move and disable with an unresolved host', '/proxies/mysql_master', { listen: 'localhost:$P3', enabled: false }),
      patch('same unresolved listen again while disabled', '/proxies/mysql_master', { listen: 'localhost:$P3' }),
      patch('unresolvable listen', '/proxies/mysql_master', { listen: 'local373' }),
      raw('bad JSON', 'PATCH', '/proxies/mysql_master', '{'),
      patch('string enabled', '/proxies/mysql_master', { enabled: 'yes' }, { normalize: ['decodeError'] }),
      patch('missing proxy', '/proxies/nope', { enabled: true }),
      post('missing proxy with POST', '/proxies/nope', { enabled: true }),
      get('final state', '/proxies/mysql_master'),
    ],
  },
  {
    name: 'update to an occupied port',
    source: 'proxy.go Update (stop, then start fails)',
    steps: [
      post('create a', '/proxies', { name: 'a', listen: '127.0.0.1:$P1', upstream: UP }),
      post('create b', '/proxies', { name: 'b', listen: '127.0.0.1:$P2', upstream: UP }),
      patch('move b onto a', '/proxies/b', { listen: '127.0.0.1:$P1' }),
      get('b is left disabled with the new listen', '/proxies/b'),
      connect('b old port closed', '$P2'),
      del('delete a', '/proxies/a'),
      patch('enable b', '/proxies/b', { enabled: true }),
      connect('b listens', '$P1'),
    ],
  },
  {
    name: 'listen port 0',
    source: 'network.md §1 (port 0 replaced by the real port), proxy.go Differs',
    steps: [
      post('create on port 0', '/proxies', { name: 'eph', listen: '127.0.0.1:0', upstream: UP }),
      get('show keeps the chosen port', '/proxies/eph'),
      patch('upstream change keeps the port', '/proxies/eph', { upstream: 'localhost:20002' }),
      patch('port 0 again picks a new port', '/proxies/eph', { listen: '127.0.0.1:0' }),
      post('disabled on port 0', '/proxies', { name: 'later', listen: '127.0.0.1:0', upstream: UP, enabled: false }),
      get('disabled keeps port 0', '/proxies/later'),
      patch('enable picks a port', '/proxies/later', { enabled: true }),
      post('populate on port 0', '/populate', [{ name: 'pop', listen: '127.0.0.1:0', upstream: UP }]),
      post('populate the same again replaces it (port 0 differs)', '/populate', [{ name: 'pop', listen: '127.0.0.1:0', upstream: UP }]),
      get('list', '/proxies'),
    ],
  },
  {
    name: 'toxics CRUD',
    source: 'TestAddToxic, TestUpdateToxics, TestRemoveToxic, TestResetState',
    steps: [
      post('create proxy', '/proxies', mysql()),
      post('add latency', '/proxies/mysql_master/toxics', { name: 'foobar', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 100, jitter: 10 } }),
      get('list', '/proxies/mysql_master/toxics'),
      get('show', '/proxies/mysql_master/toxics/foobar'),
      post('update latency and toxicity', '/proxies/mysql_master/toxics/foobar', { attributes: { latency: 1000 }, toxicity: 0.5 }),
      post('update without toxicity keeps it', '/proxies/mysql_master/toxics/foobar', { attributes: { latency: 500 } }),
      patch('update with PATCH, other fields ignored', '/proxies/mysql_master/toxics/foobar', { name: 'other', type: 'timeout', stream: 'upstream', attributes: { jitter: 1 } }),
      patch('toxicity 0 is kept as 0', '/proxies/mysql_master/toxics/foobar', { toxicity: 0 }),
      patch('unknown attributes are ignored', '/proxies/mysql_master/toxics/foobar', { attributes: { rate: 5 } }),
      raw('update with bad JSON', 'PATCH', '/proxies/mysql_master/toxics/foobar', '{'),
      patch('update with a string attribute', '/proxies/mysql_master/toxics/foobar', { attributes: { latency: 'x' } }, { normalize: ['decodeError'] }),
      get('proxy shows its toxics', '/proxies/mysql_master'),
      del('delete', '/proxies/mysql_master/toxics/foobar'),
      get('show deleted', '/proxies/mysql_master/toxics/foobar'),
      del('delete again', '/proxies/mysql_master/toxics/foobar'),
      patch('update deleted', '/proxies/mysql_master/toxics/foobar', { toxicity: 1 }),
      post('update deleted with POST', '/proxies/mysql_master/toxics/foobar', { toxicity: 1 }),
      get('list is empty', '/proxies/mysql_master/toxics'),
      post('on a missing proxy: add', '/proxies/nope/toxics', { type: 'latency' }),
      get('on a missing proxy: show', '/proxies/nope/toxics/foobar'),
      patch('on a missing proxy: update', '/proxies/nope/toxics/foobar', { toxicity: 1 }),
      del('on a missing proxy: delete', '/proxies/nope/toxics/foobar'),
    ],
  },
  {
    name: 'toxic defaults and order',
    source: 'TestAddMultipleToxics, TestAddConflictingToxicsMultistreamDefaults, TestAddNoop, TestAddToxicWithToxicity',
    steps: [
      post('create proxy', '/proxies', mysql()),
      post('latency upstream, default name', '/proxies/mysql_master/toxics', { type: 'latency', stream: 'upstream', toxicity: 1 }),
      post('latency, default stream and toxicity', '/proxies/mysql_master/toxics', { type: 'latency' }),
      post('bandwidth', '/proxies/mysql_master/toxics', { type: 'bandwidth', stream: 'upstream' }),
      post('slow_close', '/proxies/mysql_master/toxics', { type: 'slow_close' }),
      post('timeout', '/proxies/mysql_master/toxics', { type: 'timeout', stream: 'upstream' }),
      post('reset_peer', '/proxies/mysql_master/toxics', { type: 'reset_peer' }),
      post('slicer', '/proxies/mysql_master/toxics', { type: 'slicer', attributes: { average_size: 64, size_variation: 8, delay: 10 } }),
      post('limit_data', '/proxies/mysql_master/toxics', { type: 'limit_data', attributes: { bytes: 5 } }),
      post('noop with a name', '/proxies/mysql_master/toxics', { name: 'foobar', type: 'noop', stream: 'downstream' }),
      post('toxicity 0.2', '/proxies/mysql_master/toxics', { name: 't02', type: 'latency', toxicity: 0.2, attributes: { latency: 100, jitter: 10 } }),
      post('toxicity 0', '/proxies/mysql_master/toxics', { name: 't0', type: 'latency', toxicity: 0 }),
      post('toxicity 2 is not clamped', '/proxies/mysql_master/toxics', { name: 't2', type: 'latency', toxicity: 2 }),
      post('attributes null', '/proxies/mysql_master/toxics', { name: 'anull', type: 'latency', attributes: null }),
      post('stream is case-insensitive but kept as given', '/proxies/mysql_master/toxics', { type: 'timeout', stream: 'DownStream' }),
      get('list: upstream chain first, then downstream, in order', '/proxies/mysql_master/toxics'),
      get('proxy with toxics', '/proxies/mysql_master'),
      get('list of proxies with toxics', '/proxies'),
    ],
  },
  {
    name: 'toxic validation and conflicts',
    source: 'TestAddConflictingToxic, TestAddConflictingToxicsMultistream, TestInvalidStream, toxic_collection.go AddToxicJson',
    steps: [
      post('create proxy', '/proxies', mysql()),
      post('add foobar', '/proxies/mysql_master/toxics', { name: 'foobar', type: 'latency', stream: 'downstream' }),
      post('same name, other type', '/proxies/mysql_master/toxics', { name: 'foobar', type: 'slow_close', stream: 'downstream' }),
      post('same name, other stream', '/proxies/mysql_master/toxics', { name: 'foobar', type: 'latency', stream: 'upstream' }),
      post('duplicate default name', '/proxies/mysql_master/toxics', { type: 'latency', stream: 'downstream', name: 'latency_downstream' }),
      post('duplicate default name again', '/proxies/mysql_master/toxics', { type: 'latency' }),
      post('conflict is checked before attributes', '/proxies/mysql_master/toxics', { name: 'foobar', type: 'latency', attributes: { latency: 'x' } }),
      post('invalid stream', '/proxies/mysql_master/toxics', { type: 'latency', stream: 'walrustream' }),
      post('empty stream', '/proxies/mysql_master/toxics', { type: 'latency', stream: '' }),
      post('stream is checked before type', '/proxies/mysql_master/toxics', { type: 'nope', stream: 'sideways' }),
      post('type down is not a toxic', '/proxies/mysql_master/toxics', { type: 'down' }),
      post('missing type', '/proxies/mysql_master/toxics', { name: 'x' }),
      post('type is case-sensitive', '/proxies/mysql_master/toxics', { type: 'Latency' }),
      post('type is checked before the name conflict', '/proxies/mysql_master/toxics', { name: 'foobar', type: 'nope' }),
      raw('empty body', 'POST', '/proxies/mysql_master/toxics', ''),
      raw('truncated JSON', 'POST', '/proxies/mysql_master/toxics', '{"type":'),
      raw('not JSON', 'POST', '/proxies/mysql_master/toxics', 'latency'),
      post('string attribute', '/proxies/mysql_master/toxics', { name: 'strattr', type: 'latency', attributes: { latency: '100' } }, { normalize: ['decodeError'] }),
      post('fractional attribute', '/proxies/mysql_master/toxics', { type: 'bandwidth', attributes: { rate: 1.5 } }, { normalize: ['decodeError'] }),
      post('string toxicity', '/proxies/mysql_master/toxics', { type: 'latency', toxicity: 'high' }, { normalize: ['decodeError'] }),
      get('only foobar and latency_downstream exist', '/proxies/mysql_master/toxics'),
    ],
  },
  {
    name: 'reset',
    source: 'TestResetState, api.go ResetState',
    steps: [
      post('create', '/proxies', mysql()),
      post('add latency', '/proxies/mysql_master/toxics', { type: 'latency', attributes: { latency: 100, jitter: 10 } }),
      post('create a disabled one', '/proxies', { name: 'off', listen: '127.0.0.1:$P2', upstream: UP, enabled: false }),
      post('add an upstream toxic to it', '/proxies/off/toxics', { type: 'timeout', stream: 'upstream' }),
      post('reset', '/reset'),
      get('all enabled, no toxics', '/proxies'),
      connect('mysql_master listens', '$P1'),
      connect('off listens now', '$P2'),
      raw('reset ignores its body', 'POST', '/reset', 'garbage'),
    ],
  },
  {
    name: 'reset with a bind conflict',
    source: 'api.go ResetState (apiError on start failure)',
    steps: [
      post('disabled on P1', '/proxies', { name: 'a', listen: '127.0.0.1:$P1', upstream: UP, enabled: false }),
      post('enabled on P1', '/proxies', { name: 'b', listen: '127.0.0.1:$P1', upstream: UP }),
      post('reset cannot start a', '/reset'),
      get('a is still disabled', '/proxies/a'),
    ],
  },
];
