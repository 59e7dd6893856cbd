// §3 python providers mapped to native implementations (os, os.path, shutil): outputs, failures with Python's
// exception text, substitution, and the outcomes they lead to, against the reference running the real functions.
import { fileURLToPath } from 'node:url';
import { defineRows } from './rows.ts';

defineRows('§3 python providers (native map)', [
  {
    name: 'os.path.exists probe, os.rename action: the file is gone after the method → deviated, rollback moves it back, exit 1',
    experiment: 'python-native-move.json',
    files: { 'exchange.dat': '1.0 GBP = 1.17 EUR\n' },
    expect: { exit: 1, status: 'completed', deviated: true, before: true, after: false, run: ['succeeded', 'succeeded'], rollbacks: ['move-it-back'] },
  },
  {
    name: 'os.rename of a missing file and os.remove of a directory fail with the OSError text, shutil.copy returns its destination → completed, exit 0',
    experiment: 'python-native-failures.yaml',
    files: { 'exchange.dat': '1.0 GBP = 1.17 EUR\n' },
    expect: { exit: 0, status: 'completed', deviated: false, before: true, after: true, run: ['failed', 'succeeded', 'failed'], rollbacks: ['remove-the-copy'] },
  },
]);

// turbulence_testext (test/fixtures/python) is installed in the reference's venv by scripts/setup-test-peers.sh and is
// not native to Turbulence: these rows go through the Python bridge, with the venv's interpreter.
const bridged = { TURBULENCE_PYTHON: fileURLToPath(new URL('../../.peers/venv/bin/python', import.meta.url)) };

defineRows('§3 python providers (through the Python bridge)', [
  {
    name: 'an installed extension: return values, configuration parameter, substitution, a raising action failed → completed, exit 0',
    experiment: 'python-bridged.json',
    env: bridged,
    expect: { exit: 0, status: 'completed', deviated: false, before: true, after: true, run: ['succeeded', 'succeeded', 'failed', 'succeeded'], rollbacks: ['nothing-to-undo'] },
  },
  {
    name: "module state lives across activities (the worker is the reference's process): 1 before, 3 after → deviated, exit 1",
    experiment: 'python-bridged-deviates.yaml',
    env: bridged,
    expect: { exit: 1, status: 'completed', deviated: true, before: true, after: false, run: ['succeeded'], rollbacks: ['nothing-to-undo'] },
  },
]);
