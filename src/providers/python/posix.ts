// CPython's os and posixpath primitives over node:fs: the same argument conversions (and their TypeError, ValueError
// and OverflowError messages), file names encoded with surrogateescape, and failed system calls raised as the
// OSError CPython raises. The native standard-library functions are written line by line on top of these.
import * as fs from 'node:fs';
import { ChaosError } from '../../errors.ts';
import { pythonRepr, pythonTypeName } from '../../python/values.ts';
import { PythonException, fromSystemError, isFileExists, isOSError, isValueError, osError, typeError } from './exceptions.ts';

const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);

/** A Python int as JSON gives it (bool is an int subclass). */
export function isPythonInt(v: unknown): v is number | boolean | bigint {
  return typeof v === 'boolean' || typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
}

/** os.fspath(): only str can come from an experiment. */
export function fspath(v: unknown): string {
  if (typeof v === 'string') return v;
  throw typeError(`expected str, bytes or os.PathLike object, not ${pythonTypeName(v)}`);
}

/**
 * The path converter of os functions (`fn` and `param` name them in messages). An int would be a file descriptor
 * of the Python process, which has no meaning here: it stops the run instead of acting on one of ours.
 */
export function osPath(v: unknown, fn: string, param: string, allowFd: boolean): Buffer {
  if (typeof v === 'string') {
    const bytes = fsEncode(v);
    if (bytes.includes(0)) throw new PythonException('ValueError', 'embedded null byte');
    return bytes;
  }
  if (allowFd && isPythonInt(v)) {
    fdRange(v);
    throw new ChaosError(`${fn}(): Turbulence does not act on Python file descriptors (${param}=${pythonRepr(v)}); give a path`);
  }
  const accepted = allowFd ? 'string, bytes, os.PathLike or integer' : 'string, bytes or os.PathLike';
  throw typeError(`${fn}: ${param} should be ${accepted}, not ${pythonTypeName(v)}`);
}

/** The dir_fd converter: only None is meaningful here. */
export function dirFd(v: unknown, fn: string, param: string): void {
  if (v === null || v === undefined) return;
  if (!isPythonInt(v)) throw typeError(`argument should be integer or None, not ${pythonTypeName(v)}`);
  fdRange(v);
  throw new ChaosError(`${fn}(): Turbulence does not act on Python file descriptors (${param}=${pythonRepr(v)}); leave it None`);
}

function fdRange(v: number | boolean | bigint): void {
  const n = Number(v);
  if (n > INT_MAX) throw new PythonException('OverflowError', 'fd is greater than maximum');
  if (n < INT_MIN) throw new PythonException('OverflowError', 'fd is less than minimum');
}

/** The C `int` converter (modes). */
export function cInt(v: unknown): number {
  if (!isPythonInt(v)) throw typeError(`'${pythonTypeName(v)}' object cannot be interpreted as an integer`);
  const n = Number(v);
  if (n > INT_MAX || n < INT_MIN) throw new PythonException('OverflowError', 'Python int too large to convert to C int');
  return n;
}

/** str → bytes with the file-system encoding (UTF-8, surrogateescape), as os functions encode their paths. */
export function fsEncode(s: string): Buffer {
  const cps = Array.from(s);
  const bytes: number[] = [];
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!.codePointAt(0)!;
    if (cp < 0xd800 || cp > 0xdfff) {
      for (const b of Buffer.from(cps[i]!, 'utf8')) bytes.push(b);
    } else if (cp >= 0xdc80 && cp <= 0xdcff) {
      bytes.push(cp - 0xdc00);
    } else {
      let end = i;
      while (end + 1 < cps.length && isSurrogate(cps[end + 1]!)) end++;
      const what = end === i ? `character ${pythonRepr(cps[i])} in position ${i}` : `characters in position ${i}-${end}`;
      throw new PythonException('UnicodeEncodeError', `'utf-8' codec can't encode ${what}: surrogates not allowed`);
    }
  }
  return Buffer.from(bytes);
}

function isSurrogate(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  return cp >= 0xd800 && cp <= 0xdfff;
}

/** bytes → str with surrogateescape: what os.readlink and os.scandir return for a name. */
export function fsDecode(b: Buffer): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const n = utf8Length(b, i);
    if (n) {
      out += b.toString('utf8', i, i + n);
      i += n;
    } else {
      out += String.fromCharCode(0xdc00 + b[i]!);
      i++;
    }
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence at i (no surrogates, no overlongs), or 0. */
function utf8Length(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** Runs a system call; its failure becomes the OSError naming `filename` (and `filename2`). */
export function sys<T>(call: () => T, filename?: string, filename2?: string): T {
  try {
    return call();
  } catch (err) {
    throw fromSystemError(err, filename, filename2);
  }
}

// ---- os -------------------------------------------------------------------------------------------------------

export function stat(path: unknown): fs.BigIntStats {
  const p = osPath(path, 'stat', 'path', true);
  return sys(() => fs.statSync(p, { bigint: true }), path as string);
}

export function lstat(path: unknown): fs.BigIntStats {
  const p = osPath(path, 'lstat', 'path', false);
  return sys(() => fs.lstatSync(p, { bigint: true }), path as string);
}

export function samestat(a: fs.BigIntStats, b: fs.BigIntStats): boolean {
  return a.ino === b.ino && a.dev === b.dev;
}

// Each converts its arguments in CPython's order (path, then mode, then dir_fd) before the system call.

export function rename(src: unknown, dst: unknown, fn = 'rename', srcDirFd: unknown = null, dstDirFd: unknown = null): void {
  const s = osPath(src, fn, 'src', false);
  const d = osPath(dst, fn, 'dst', false);
  dirFd(srcDirFd, fn, 'src_dir_fd');
  dirFd(dstDirFd, fn, 'dst_dir_fd');
  sys(() => fs.renameSync(s, d), src as string, dst as string);
}

export function unlink(path: unknown, fn = 'unlink', fd: unknown = null): void {
  const p = osPath(path, fn, 'path', false);
  dirFd(fd, fn, 'dir_fd');
  sys(() => fs.unlinkSync(p), path as string);
}

export function mkdir(path: unknown, mode: unknown = 0o777, fd: unknown = null): void {
  const p = osPath(path, 'mkdir', 'path', false);
  const m = cInt(mode);
  dirFd(fd, 'mkdir', 'dir_fd');
  // mkdir(2) keeps only the permission bits of its mode_t (a negative int is all ones); Node takes an int32
  sys(() => fs.mkdirSync(p, { mode: m & 0o7777 }), path as string);
}

export function rmdir(path: unknown, fd: unknown = null): void {
  const p = osPath(path, 'rmdir', 'path', false);
  dirFd(fd, 'rmdir', 'dir_fd');
  sys(() => fs.rmdirSync(p), path as string);
}

export function chmod(path: unknown, mode: number): void {
  const p = osPath(path, 'chmod', 'path', true);
  sys(() => fs.chmodSync(p, mode), path as string);
}

export function readlink(path: unknown): string {
  const p = osPath(path, 'readlink', 'path', false);
  return fsDecode(sys(() => fs.readlinkSync(p, { encoding: 'buffer' }), path as string));
}

export function symlink(src: string, dst: unknown): void {
  const s = osPath(src, 'symlink', 'src', false);
  const d = osPath(dst, 'symlink', 'dst', false);
  sys(() => fs.symlinkSync(s, d), src, dst as string);
}

export function access(path: unknown, mode: number): boolean {
  const p = osPath(path, 'access', 'path', false);
  try {
    fs.accessSync(p, mode);
    return true;
  } catch {
    return false;
  }
}

export interface DirEntry {
  name: string;
  /** d_type based, as DirEntry.is_dir(follow_symlinks=False) */
  isDir: boolean;
  isSymlink: boolean;
}

/** os.scandir(path): the entries in directory order (not sorted, as Python lists them). */
export function scandir(path: string): DirEntry[] {
  const p = osPath(path, 'scandir', 'path', true);
  // names as bytes (Node's types only admit text encodings here), decoded as Python decodes them
  const dir = sys(() => fs.opendirSync(p, { encoding: 'buffer' as BufferEncoding }), path);
  const entries: DirEntry[] = [];
  try {
    for (let d = sys(() => dir.readSync(), path); d; d = sys(() => dir.readSync(), path)) {
      entries.push({ name: fsDecode(d.name as unknown as Buffer), isDir: d.isDirectory(), isSymlink: d.isSymbolicLink() });
    }
  } finally {
    dir.closeSync();
  }
  return entries;
}

/** os.listdir(path) */
export function listdir(path: string): string[] {
  return scandir(path).map((e) => e.name);
}

/** os.open(path, O_RDONLY) then os.fstat(fd): what a path opens to, following links (a directory opens too). */
export function openStat(path: unknown): fs.BigIntStats {
  const p = osPath(path, 'open', 'path', false);
  const fd = sys(() => fs.openSync(p, 'r'), path as string);
  try {
    return fs.fstatSync(fd, { bigint: true });
  } finally {
    fs.closeSync(fd);
  }
}

/** open(path, 'rb'), whose FileIO refuses a directory with EISDIR once open. A Node descriptor, closed by the caller. */
export function openRead(path: string): number {
  const p = osPath(path, 'open', 'file', true);
  const fd = sys(() => fs.openSync(p, 'r'), path);
  if (fs.fstatSync(fd).isDirectory()) {
    fs.closeSync(fd);
    throw osError(21, path);
  }
  return fd;
}

/** open(path, 'wb') */
export function openWrite(path: string): number {
  const p = osPath(path, 'open', 'file', true);
  return sys(() => fs.openSync(p, 'w', 0o666), path);
}

/** os.makedirs: parents first (with the default mode), then `name` with `mode`. */
export function makedirs(name: unknown, mode: unknown, existOk: boolean): void {
  let [head, tail] = split(name);
  if (!tail) [head, tail] = split(head);
  if (head && tail && !exists(head)) {
    try {
      makedirs(head, 0o777, existOk);
    } catch (e) {
      // another process created it meanwhile
      if (!isFileExists(e)) throw e;
    }
    // xxx/newdir/. exists if xxx/newdir exists
    if (tail === '.') return;
  }
  try {
    mkdir(name, mode);
  } catch (e) {
    // EEXIST is not relied upon: the system may report EACCES or EROFS first
    if (!isOSError(e) || !existOk || !isdir(name)) throw e;
  }
}

// ---- os.path --------------------------------------------------------------------------------------------------

/** Runs a stat-based test the way genericpath does: OSError and ValueError mean false. */
function statTest(check: () => boolean): boolean {
  try {
    return check();
  } catch (e) {
    if (isOSError(e) || isValueError(e)) return false;
    throw e;
  }
}

export const exists = (path: unknown) => statTest(() => (stat(path), true));
export const lexists = (path: unknown) => statTest(() => (lstat(path), true));
export const isfile = (path: unknown) => statTest(() => stat(path).isFile());
export const isdir = (path: unknown) => statTest(() => stat(path).isDirectory());
export const islink = (path: unknown) => statTest(() => lstat(path).isSymbolicLink());

/** posixpath.split */
export function split(p: unknown): [string, string] {
  const s = fspath(p);
  const i = s.lastIndexOf('/') + 1;
  let head = s.slice(0, i);
  const tail = s.slice(i);
  if (head && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return [head, tail];
}

/** posixpath.join */
export function join(a: unknown, ...rest: unknown[]): string {
  let path = fspath(a);
  for (const b of rest.map(fspath)) {
    if (b.startsWith('/')) path = b;
    else if (!path || path.endsWith('/')) path += b;
    else path += '/' + b;
  }
  return path;
}

/** posixpath.basename */
export function basename(p: unknown): string {
  const s = fspath(p);
  return s.slice(s.lastIndexOf('/') + 1);
}

/** posixpath.abspath (os.getcwd() is getcwd(3), as process.cwd()) */
export function abspath(p: unknown): string {
  const s = fspath(p);
  return normpath(s.startsWith('/') ? s : join(process.cwd(), s));
}

/** posixpath.normpath */
export function normpath(path: string): string {
  if (path === '') return '.';
  let initial = path.startsWith('/') ? 1 : 0;
  if (initial && path.startsWith('//') && !path.startsWith('///')) initial = 2;
  const comps: string[] = [];
  for (const comp of path.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!initial && !comps.length) || (comps.length && comps.at(-1) === '..')) comps.push(comp);
    else if (comps.length) comps.pop();
  }
  return '/'.repeat(initial) + comps.join('/') || '.';
}
