// Commander wiring only: every command's work lives in commands/<name>.ts and is imported when that command runs.
import { Command, CommanderError, Option } from 'commander';
import { INIT_HELP } from '../authoring/help.ts';
import { VERSION } from '../version.ts';
import { type GlobalOptions, applyGlobals, reportError } from './globals.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];
/** A decimal number as Python's float() reads it; anything else stays text, for the command to reject by name. */
const floatOrText = (value: string): number | string => (/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value) ? Number(value) : value);

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('turbulence')
    .description('Chaos engineering toolkit: runs Chaos Toolkit experiments unchanged, with native drivers.')
    .version(`turbulence, version ${VERSION}`, '-V, --version', 'show the version and exit')
    .option('--verbose', 'show debug messages and stack traces', false)
    .option('--no-version-check', 'accepted for compatibility with chaos; Turbulence never calls home')
    .option('--change-dir <dir>', 'change to this directory before doing anything')
    .option('--no-log-file', 'do not write a log file')
    .option('--log-file <path>', 'log file path', 'turbulence.log')
    .addOption(new Option('--log-file-level <level>', 'log file level').choices(['debug', 'info', 'warning', 'error']).default('debug'))
    .addOption(new Option('--log-format <format>', 'console log format').choices(['string', 'json']).default('string'))
    .option('--settings <path>', 'settings file (default ~/.turbulence/settings.yaml, else ~/.chaostoolkit/settings.yaml)')
    .showHelpAfterError()
    .exitOverride();

  const globals = () => program.opts<GlobalOptions>();
  const action =
    <A extends unknown[]>(load: () => Promise<(g: GlobalOptions, ...args: A) => Promise<number>>) =>
    async (...args: A) => {
      try {
        const g = globals();
        await applyGlobals(g);
        const fn = await load();
        exitCode = await fn(g, ...args);
      } catch (err) {
        exitCode = reportError(err, globals().verbose);
      }
    };

  program
    .command('run')
    .description('run an experiment and write its journal (exit 0 when completed and not deviated, 1 otherwise)')
    .argument('<source>', 'experiment file (.json, .yaml, .yml) or http(s) URL')
    .option('--journal-path <path>', 'where to write the journal', './journal.json')
    .addOption(new Option('--dry <mode>', 'do not run some activities').choices(['probes', 'actions', 'activities', 'pause']))
    .option('--no-validation', 'skip validation of the experiment')
    .option('--no-verify-tls', 'do not verify TLS certificates when loading the experiment from a URL')
    .addOption(
      new Option('--rollback-strategy <strategy>', 'when to play rollbacks').choices(['default', 'always', 'never', 'deviated']),
    )
    .option('--var <key[:type]=value>', 'override a declared configuration key; type is str, int, float, bytes, bool or json (repeatable)', collect, [])
    .option('--var-file <path>', 'configuration/secrets overrides from a .json/.yaml file, or a .env file (repeatable)', collect, [])
    .option('--control-file <path>', 'global controls from a JSON or YAML file keyed by name (repeatable)', collect, [])
    .addOption(
      new Option('--hypothesis-strategy <strategy>', 'when to check the steady-state hypothesis')
        .choices(['default', 'before-method-only', 'after-method-only', 'during-method-only', 'continuously', 'continously']),
    )
    .option('--hypothesis-frequency <seconds>', 'seconds between continuous hypothesis checks', floatOrText, 1.0)
    .option('--fail-fast', 'with a continuous hypothesis, stop at the first deviation', false)
    .option('--check-targets', 'before running, check the targets, permissions and limits of the driver actions; nothing runs when one fails', false)
    .option('--state-dir <dir>', 'where the fault ledger and file backups live (default: $TURBULENCE_STATE_DIR, else ~/.turbulence)')
    .option('--keep-faults', 'leave the faults the rollbacks did not revert in place (turbulence recover reverts them later)', false)
    .option('--timeout <seconds>', 'interrupt the experiment after this many seconds (status interrupted, faults reverted)')
    .action(action(async () => (await import('./commands/run.ts')).runCommand));

  program
    .command('recover')
    .description('revert the faults that runs which are over (killed, crashed, rebooted) left in the fault ledger; exit 1 if one cannot be reverted')
    .option('--state-dir <dir>', 'the state directory of those runs (default: $TURBULENCE_STATE_DIR, else ~/.turbulence)')
    .option('--dry-run', 'list the outstanding faults without reverting them', false)
    .option('--json', 'print the faults and results as JSON on stdout', false)
    .option('--run <id>', 'only the faults of this run')
    .action(action(async () => (await import('./commands/recover.ts')).recoverCommand));

  program
    .command('demo')
    .description('start the bundled demo systems and run their experiments against each variant (every story by default)')
    .argument('[system]', 'exchange or replicas (default: both stories, one after the other)')
    .addOption(
      new Option('--variant <variant>', 'one variant of the system (both: each in turn)').choices(['fragile', 'resilient', 'single', 'three', 'both']).default('both'),
    )
    .option('--port <port>', 'port of the service, or of the load balancer (default: a free port)')
    .addHelpText(
      'after',
      '\nSystems and their variants:\n' +
        '  exchange  a service serving a file the experiment moves away ("Learning Chaos\n' +
        '            Engineering", chapter 5): fragile (deviates), resilient (holds)\n' +
        '  replicas  a service behind a load balancer, one of whose replicas the\n' +
        '            experiment kills: single (deviates), three (holds)\n' +
        'Exit 0 when every variant behaved as its story says; with one --variant, the\n' +
        'exit code of its run.',
    )
    .action(action(async () => (await import('./commands/demo.ts')).demoCommand));

  program
    .command('validate')
    .description('validate an experiment (exit 0 when valid, 1 otherwise); reports every problem with its location')
    .argument('<source>', 'experiment file (.json, .yaml, .yml) or http(s) URL')
    .option('--no-verify-tls', 'do not verify TLS certificates when loading the experiment from a URL')
    .option('--json', 'print the result as JSON on stdout', false)
    .option('--check-targets', 'also check the targets, permissions and limits of the driver actions (configuration resolved as a run does)', false)
    .action(action(async () => (await import('./commands/validate.ts')).validateCommand));

  const keyHelp =
    'KEY is dotted (runtime.rollbacks.strategy), \\. is a literal dot (auths.example\\.com.value; quote it or write\n' +
    '\\\\. in a shell) and [i] indexes a list (notifications[0].url).';
  const missingHelp = 'Exit 1 when the settings file or the key is missing.';
  const secretsHelp =
    'Secrets are masked as ******** unless --show-secrets is given: auths.*.value, every value under a key whose last\n' +
    'word is token, password, passwd, pwd, secret(s), key, apikey, credential(s), authorization, cookie, passphrase or\n' +
    'private (api_key, X-Auth-Token, client_secret...), and passwords in user:password@ URLs. `get` of a single value\n' +
    'prints it as is.';
  const settings = program
    .command('settings')
    .description('show or change the settings file (--settings, else ~/.turbulence/settings.yaml, else ~/.chaostoolkit/settings.yaml)');
  settings
    .command('show')
    .description('print the settings')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--show-secrets', 'print secrets in clear', false)
    .addHelpText('after', `\n${secretsHelp}`)
    .action(action(async () => (await import('./commands/settings.ts')).settingsShow));
  settings
    .command('get')
    .description('print the value at KEY')
    .argument('<key>')
    .addOption(
      new Option('--format <format>', 'output format (string: a string as is, anything else as one line of JSON)')
        .choices(['yaml', 'json', 'string'])
        .default('yaml'),
    )
    .option('--show-secrets', 'print secrets inside a mapping or list in clear', false)
    .addHelpText('after', `\n${keyHelp} ${missingHelp}\n\n${secretsHelp}`)
    .action(action(async () => (await import('./commands/settings.ts')).settingsGet));
  settings
    .command('set')
    .description('set KEY to VALUE, creating missing intermediate keys; [n] with n = list length appends')
    .argument('<key>')
    .argument('<value>', 'JSON (\'"always"\', 3, true, \'{"a": 1}\'); a bare word that is not JSON is a string')
    .addHelpText(
      'after',
      `\n${keyHelp} Exit 1 when the settings file is missing.\n` +
        'The file is rewritten as YAML with sorted keys (comments are not kept), as chaos does.',
    )
    .action(action(async () => (await import('./commands/settings.ts')).settingsSet));
  settings
    .command('remove')
    .description('remove KEY and everything under it')
    .argument('<key>')
    .addHelpText('after', `\n${keyHelp} ${missingHelp}`)
    .action(action(async () => (await import('./commands/settings.ts')).settingsRemove));

  program
    .command('discover')
    .description('write the discovery document (activities, arguments, defaults) of the native drivers, as chaos discover')
    .argument('[driver...]', 'drivers (process, file, http, tcp, stress, system, load, proxy) or native modules (os, shutil, chaosk8s.pod.actions...); all when none')
    .option('--discovery-path <path>', 'where to write the discovery', './discovery.json')
    .option('--no-system-info', 'do not discover system information')
    .option('--json', 'print the discovery on stdout instead of writing the file', false)
    .option('--python <package>', "an installed Python extension's discover(), through the Python bridge (nothing is installed)")
    .action(action(async () => (await import('./commands/discover.ts')).discoverCommand));

  // --action and --method-probe fill one list, so that the method keeps their command-line order
  const methodSteps: { role: string; spec: string }[] = [];
  const methodStep = (role: string) => (spec: string) => (methodSteps.push({ role, spec }), methodSteps);
  program
    .command('init')
    .description('create an experiment from the native drivers and the http/process providers: asks on a terminal, or takes flags')
    .option('--output <path>', 'where to write the experiment (.json, or .yaml/.yml for YAML)', './experiment.json')
    .option('--force', 'overwrite the output file if it exists', false)
    .option('--title <title>', 'the experiment title (authoring from flags needs it)')
    .option('--description <text>', 'the experiment description (default: N/A)')
    .option('--tag <tag>', 'a tag (repeatable)', collect, [])
    .option('--hypothesis-title <title>', 'title of the steady-state hypothesis', 'The system is in its normal state')
    .option('--probe <spec>', 'a steady-state probe with tolerance=VALUE (repeatable)', collect, [])
    .option('--action <spec>', 'a method action (repeatable; the method keeps the command-line order)', methodStep('method-action'))
    .option('--method-probe <spec>', 'a probe in the method (repeatable; ordered with --action)', methodStep('method-probe'))
    .option('--rollback <spec>', "a rollback action, or 'auto' for the undo of every method action (repeatable)", collect, [])
    .option('--pause-before <seconds>', 'pause before each method action')
    .option('--pause-after <seconds>', 'pause after each method action (time for the system to react)')
    .addHelpText('after', INIT_HELP)
    .action(action(async () => (await import('./commands/init.ts')).initCommand));

  program
    .command('load')
    .description('generate keep-alive HTTP load at a fixed concurrency or a fixed rate, bounded in time and count; exit 1 when every request fails')
    .argument('<url>', 'http(s) URL; loopback hosts only unless --allow-remote')
    .option('-c, --connections <n>', 'concurrent keep-alive connections (closed loop: requests in flight) (default: 10, max 10000)')
    .option('-r, --rate <r>', 'open loop: requests per second over the connections, latency from the scheduled send time')
    .option('-d, --duration <d>', 'how long: seconds, or 500ms, 10s, 20S, 1m, 1h (default: 10s, max 1h)')
    .option('-n, --requests <n>', 'stop after this many requests (whichever comes first with --duration)')
    .option('-m, --method <method>', 'request method (default: GET)')
    .option('-H, --header <header>', "a request header 'Name: value' (repeatable)", collect, [])
    .option('-b, --body <body>', 'request body, or @file for a file\'s content')
    .option('--timeout <d>', 'a request without a response for this long counts as a timeout error (default: 10s)')
    .option('--allow-remote', 'allow a non-loopback target: only against systems you own', false)
    .option('-k, --insecure', 'https: accept any certificate', false)
    .option('--json', 'print the summary as one JSON document on stdout', false)
    .action(action(async () => (await import('./commands/load.ts')).loadCommand));

  program
    .command('proxy')
    .description('run a fault-injection TCP proxy server with a Toxiproxy 2.12-compatible HTTP API (until SIGINT/SIGTERM)')
    .option('--host <host>', "API address ('localhost': both 127.0.0.1 and ::1)", '127.0.0.1')
    .option('--port <port>', 'API port (0: any free port)', '8474')
    .option('--config <file>', 'JSON array of proxies to create at start (as POST /populate)')
    .option('--token-env <var>', 'require "Authorization: Bearer <token>" with the token read from this environment variable')
    .option('--seed <n>', 'seed for toxicity, jitter and fault percentages')
    .option('--max-body <bytes>', 'largest API request body (default: 1048576)')
    .option('--proxy-metrics', 'serve /metrics with the proxies byte counters', false)
    .option('--runtime-metrics', 'serve /metrics with process figures', false)
    .action(action(async () => (await import('./commands/proxy.ts')).proxyCommand));

  program
    .command('report')
    .description('write a report of one run (HTML, Markdown, PDF, JUnit XML or JSON), or a summary of several')
    .argument('<journal...>', 'journal files, or directories of *.json journals')
    .addOption(new Option('--format <format>', 'report format (default: from --output\'s extension, else html)').choices(['html', 'md', 'pdf', 'junit', 'json']))
    .option('--output <path>', "where to write it; '-' for stdout (default: report.<ext>, summary.<ext> for several runs)")
    .action(action(async () => (await import('./commands/report.ts')).reportCommand));

  program
    .command('info')
    .description('show information about Turbulence: core (versions, platform, settings path), settings (masked), extensions (provider types, native modules, Python bridge)')
    .addArgument(new (await import('commander')).Argument('<target>', 'what to show').choices(['core', 'settings', 'extensions']))
    .option('--json', 'print as JSON on stdout', false)
    .action(action(async () => (await import('./commands/info.ts')).infoCommand));

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors exit 2 like click.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help'
        ? 0
        : 2;
    }
    return reportError(err, globals().verbose);
  }
  return exitCode;
}
