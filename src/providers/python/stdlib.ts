// The standard-library functions experiments call through python providers, natively: CPython 3.11's signatures
// (names, defaults, keyword-only parameters), return values and exceptions. Only functions whose behaviour can be
// matched exactly are here; os.kill (positional-only parameters) cannot be called with keyword arguments at all.
import { pythonTruthy } from '../../python/values.ts';
import * as os from './posix.ts';
import { type NativeParameter, registerNative } from './native.ts';
import { copy, copy2, copyfile, move, notCallable, rmtree } from './shutil.ts';

const arg = (name: string): NativeParameter => ({ name, required: true });
const opt = (name: string, value: unknown): NativeParameter => ({ name, required: false, default: value });
/** Functions that return None. */
const none = (_: void) => null;
const kw = (name: string, value: unknown): NativeParameter => ({ name, required: false, default: value, kind: 'keyword_only' });

// ---- os --------------------------------------------------------------------------------------------------------

for (const [func, doc] of [
  ['rename', 'Rename a file or directory.'],
  ['replace', 'Rename a file or directory, overwriting the destination.'],
] as const) {
  registerNative({
    module: 'os',
    func,
    doc,
    builtin: true,
    parameters: [arg('src'), arg('dst'), kw('src_dir_fd', null), kw('dst_dir_fd', null)],
    run: (a) => none(os.rename(a.src, a.dst, func, a.src_dir_fd, a.dst_dir_fd)),
  });
}

for (const [func, doc] of [
  ['remove', 'Remove a file (same as unlink()).'],
  ['unlink', 'Remove a file (same as remove()).'],
] as const) {
  registerNative({
    module: 'os',
    func,
    doc,
    builtin: true,
    parameters: [arg('path'), kw('dir_fd', null)],
    run: (a) => none(os.unlink(a.path, func, a.dir_fd)),
  });
}

registerNative({
  module: 'os',
  func: 'mkdir',
  doc: 'Create a directory.',
  builtin: true,
  parameters: [arg('path'), opt('mode', 0o777), kw('dir_fd', null)],
  run: (a) => none(os.mkdir(a.path, a.mode, a.dir_fd)),
});

registerNative({
  module: 'os',
  func: 'makedirs',
  doc: 'makedirs(name [, mode=0o777][, exist_ok=False])',
  parameters: [arg('name'), opt('mode', 0o777), opt('exist_ok', false)],
  run: (a) => none(os.makedirs(a.name, a.mode, pythonTruthy(a.exist_ok))),
});

registerNative({
  module: 'os',
  func: 'rmdir',
  doc: 'Remove a directory.',
  builtin: true,
  parameters: [arg('path'), kw('dir_fd', null)],
  run: (a) => none(os.rmdir(a.path, a.dir_fd)),
});

// ---- os.path ---------------------------------------------------------------------------------------------------

for (const [func, param, doc, test] of [
  ['exists', 'path', 'Test whether a path exists.  Returns False for broken symbolic links', os.exists],
  ['lexists', 'path', 'Test whether a path exists.  Returns True for broken symbolic links', os.lexists],
  ['isfile', 'path', 'Test whether a path is a regular file', os.isfile],
  ['isdir', 's', 'Return true if the pathname refers to an existing directory.', os.isdir],
  ['islink', 'path', 'Test whether a path is a symbolic link', os.islink],
] as const) {
  registerNative({ module: 'os.path', func, doc, parameters: [arg(param)], run: (a) => test(a[param]) });
}

registerNative({
  module: 'os.path',
  func: 'getsize',
  doc: 'Return the size of a file, reported by os.stat().',
  parameters: [arg('filename')],
  run: (a) => Number(os.stat(a.filename).size),
});

// ---- shutil ----------------------------------------------------------------------------------------------------

registerNative({
  module: 'shutil',
  func: 'copyfile',
  doc: 'Copy data from src to dst in the most efficient way possible.',
  parameters: [arg('src'), arg('dst'), kw('follow_symlinks', true)],
  run: (a) => copyfile(a.src, a.dst, a.follow_symlinks),
});

registerNative({
  module: 'shutil',
  func: 'copy',
  doc: 'Copy data and mode bits ("cp src dst"). Return the file\'s destination.',
  parameters: [arg('src'), arg('dst'), kw('follow_symlinks', true)],
  run: (a) => copy(a.src, a.dst, a.follow_symlinks),
});

registerNative({
  module: 'shutil',
  func: 'move',
  doc: 'Recursively move a file or directory to another location. This is similar to the Unix "mv" command. Return the file or directory\'s destination.',
  // copy_function defaults to shutil.copy2, which is not data
  parameters: [arg('src'), arg('dst'), { name: 'copy_function', required: false }],
  run: (a) => move(a.src, a.dst, a.copy_function === undefined ? copy2 : notCallable(a.copy_function)),
});

registerNative({
  module: 'shutil',
  func: 'rmtree',
  doc: 'Recursively delete a directory tree.',
  parameters: [arg('path'), opt('ignore_errors', false), opt('onerror', null), kw('dir_fd', null)],
  run: (a) => rmtree(a.path, a.ignore_errors, a.onerror, a.dir_fd),
});

// ---- time ------------------------------------------------------------------------------------------------------

registerNative({
  module: 'time',
  func: 'sleep',
  doc: 'sleep(seconds)\n\nPython gives it no signature and no keyword arguments: experiments pause with `pauses` instead.',
  builtin: true,
  parameters: null,
  run: () => null,
});
