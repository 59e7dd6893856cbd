// §15 --var / --var-file precedence (and §5 env configuration), read back from what the method echoes.
import type { Row } from './harness.ts';
import { defineRows } from './rows.ts';

const echoed = (config: string, secrets = 'alice secret') => ({ exit: 0, status: 'completed', stdout: [`${config}\n`, `${secrets}\n`] });
const DEFAULTS = 'from-experiment env-default 1 ${newkey}';

const rows: Row[] = [
  {
    name: 'no overrides: inline values, env default, unknown ${newkey} left verbatim',
    experiment: 'vars.yaml',
    expect: echoed(DEFAULTS),
  },
  {
    name: 'env configuration reads the process environment',
    experiment: 'vars.yaml',
    env: { TURB_OTHER: 'from-env' },
    expect: echoed('from-experiment from-env 1 ${newkey}'),
  },
  {
    name: '--var overrides a declared key (str and int types)',
    experiment: 'vars.yaml',
    args: ['--var', 'msg=from-cli', '--var', 'count:int=7'],
    expect: echoed('from-cli env-default 7 ${newkey}'),
  },
  {
    name: '--var overrides an env configuration entry',
    experiment: 'vars.yaml',
    args: ['--var', 'other=from-cli'],
    env: { TURB_OTHER: 'from-env' },
    expect: echoed('from-experiment from-cli 1 ${newkey}'),
  },
  {
    name: '--var of an undeclared key is silently ignored',
    experiment: 'vars.yaml',
    args: ['--var', 'newkey=5'],
    expect: echoed(DEFAULTS),
  },
  {
    name: '--var-file JSON overrides configuration',
    experiment: 'vars.yaml',
    args: ['--var-file', 'vars.json'],
    files: { 'vars.json': JSON.stringify({ configuration: { msg: 'from-file' } }) },
    expect: echoed('from-file env-default 1 ${newkey}'),
  },
  {
    name: '--var beats --var-file whatever their order on the command line',
    experiment: 'vars.yaml',
    args: ['--var', 'msg=from-cli', '--var-file', 'vars.json'],
    files: { 'vars.json': JSON.stringify({ configuration: { msg: 'from-file', count: 2 } }) },
    expect: echoed('from-cli env-default 2 ${newkey}'),
  },
  {
    name: 'later --var-file wins over an earlier one (JSON then YAML)',
    experiment: 'vars.yaml',
    args: ['--var-file', 'first.json', '--var-file', 'second.yaml'],
    files: {
      'first.json': JSON.stringify({ configuration: { msg: 'from-first', count: 2 } }),
      'second.yaml': 'configuration:\n  msg: from-second\n',
    },
    expect: echoed('from-second env-default 2 ${newkey}'),
  },
  {
    name: '--var-file configuration entry may be a full env definition',
    experiment: 'vars.yaml',
    args: ['--var-file', 'vars.yml'],
    files: { 'vars.yml': 'configuration:\n  other:\n    type: env\n    key: TURB_OTHER2\n    default: file-default\n' },
    env: { TURB_OTHER2: 'from-env-2' },
    expect: echoed('from-experiment from-env-2 1 ${newkey}'),
  },
  {
    name: '.env --var-file sets the process environment, keeping surrounding quotes',
    experiment: 'vars.yaml',
    args: ['--var-file', 'vars.env'],
    files: { 'vars.env': 'TURB_OTHER="quoted"\n' },
    expect: echoed('from-experiment "quoted" 1 ${newkey}'),
  },
  {
    name: '--var-file secrets replace the whole scope (an unlisted secret stays unresolved)',
    experiment: 'vars.yaml',
    args: ['--var-file', 'secrets.json'],
    files: { 'secrets.json': JSON.stringify({ secrets: { creds: { user: 'bob' } } }) },
    expect: echoed(DEFAULTS, 'bob ${password}'),
  },
];

defineRows('§15 --var and --var-file', rows);
