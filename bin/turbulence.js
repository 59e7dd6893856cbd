#!/usr/bin/env node
// CommonJS on purpose (bin/package.json): Node starts CommonJS faster than ESM. `--version` is answered here, before
// the bundle is even read; everything else is dist/turbulence.cjs (built by `npm run build`), compiled with the V8
// code cache the build leaves beside it (dist/turbulence.cjs.cache), which saves most of the compile time. A cache
// from another Node version is rejected by V8 and the bundle compiles as usual.
'use strict';
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  require('node:fs').writeSync(1, `turbulence, version ${require('../package.json').version}\n`);
} else {
  const { readFileSync, writeFileSync } = require('node:fs');
  const { dirname, join } = require('node:path');
  const Module = require('node:module');
  const vm = require('node:vm');
  const file = join(__dirname, '..', 'dist', 'turbulence.cjs');
  let cachedData;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {}
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  // the build runs one command with this set, so the cache also holds the functions that command compiled
  if (process.env.TURBULENCE_WRITE_CODE_CACHE) process.on('exit', () => writeFileSync(`${file}.cache`, script.createCachedData()));
  // code from the cache cannot call import(): user modules (controls, plugins) are imported through this one
  globalThis.__turbulenceImport = (specifier) => import(specifier);
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
}
