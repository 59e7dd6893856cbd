// §4 tolerances (with the Corrections): every kind met, then each kind missing in turn. A gate miss gives
// completed + exit 0, and the journal records tolerance_met up to the probe that missed.
import type { Row } from './harness.ts';
import { defineRows } from './rows.ts';

// Probe order in tolerances.json; a miss at index i leaves i met probes before it.
const PROBES = [
  'int-on-http-status',
  'list-is-membership-on-http-status',
  'int-on-process-status',
  'two-item-list-is-membership-on-process-status',
  'str-substituted-to-int',
  'range-on-status',
  'regex-on-text-body',
  'regex-dollar-before-trailing-newline',
  'jsonpath-filter-on-json-body',
  'jsonpath-count',
  'jsonpath-expect',
  'process-probe-as-tolerance',
  'http-probe-as-tolerance',
];

const missesAt = (probe: string) => [...Array(PROBES.indexOf(probe)).fill(true), false];

const misses: [string, string, string][] = [
  ['int-on-http-status', 'int_code=500', 'int: http status 500 is not 200'],
  ['list-is-membership-on-http-status', 'list_code=404', 'list: 404 is not a member of [200, 503]'],
  ['int-on-process-status', 'exit_code=3', 'int: process status 3 is not 0'],
  ['two-item-list-is-membership-on-process-status', 'pair_code=1', 'list of two against a process output is membership, not a range: 1 misses [0, 2]'],
  ['str-substituted-to-int', 'expected_status:int=201', 'str: an exact "${x}" substitutes to the int 201, compared with the http status'],
  ['range-on-status', 'range_code=404', 'range with target: 404 is outside [200, 299]'],
  ['regex-on-text-body', 'word=nope', 'regex with target body: "hello nope" does not match ^hello wor'],
  ['regex-dollar-before-trailing-newline', 'pattern_word=worl', 'regex with target stdout: the substituted pattern ^worl$ does not match "world\\n"'],
  ['jsonpath-filter-on-json-body', 'kind=z', 'jsonpath (jsonpath2 filter on the current node): no item of kind z'],
  ['jsonpath-expect', 'expected_name=other', 'jsonpath with expect: $.name is not "other"'],
  ['http-probe-as-tolerance', 'tolerance_port=1', 'probe as tolerance: the tolerance probe raises (connection refused)'],
];

const rows: Row[] = [
  {
    name: 'every kind met: int, list membership, str "${x}", range, regex ($ before a trailing newline), jsonpath filter/count/expect, probe',
    experiment: 'tolerances.json',
    expect: { exit: 0, status: 'completed', deviated: false, before: true, after: true, tolerances: PROBES.map(() => true) },
  },
  ...misses.map(
    ([probe, variable, what]): Row => ({
      name: `${what} → gate miss, completed, exit 0`,
      experiment: 'tolerances.json',
      args: ['--var', variable],
      expect: { exit: 0, status: 'completed', deviated: false, before: false, after: null, tolerances: missesAt(probe) },
    }),
  ),
  {
    name: 'bool: `true` never matches a process output (a mapping) → gate miss, completed, exit 0',
    experiment: 'tolerance-bool.yaml',
    expect: { exit: 0, status: 'completed', deviated: false, before: false, tolerances: [false] },
  },
];

defineRows('§4 tolerance kinds', rows);
