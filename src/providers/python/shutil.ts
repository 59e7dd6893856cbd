// CPython 3.11's shutil file functions, line by line over the os primitives of posix.ts, so they return, fail and
// leave the file system as the reference's calls do. Known gaps: copystat (used by move across file systems) cannot
// copy extended attributes from Node, and sets times with microsecond rather than nanosecond precision.
import * as fs from 'node:fs';
import { pythonRepr, pythonTruthy, pythonTypeName } from '../../python/values.ts';
import { PythonException, PythonOSError, isOSError, osError, typeError } from './exceptions.ts';
import * as os from './posix.ts';

/**
 * shutil.Error (an OSError); a copytree failure carries its list of (src, dst, why) and prints it as Python does.
 * SameFileError is one too.
 */
export class ShutilError extends PythonOSError {
  readonly errors: [string, string, string][] | undefined;
  constructor(message: string | [string, string, string][], type = 'shutil.Error') {
    super(type, typeof message === 'string' ? message : `[${message.map((t) => `(${t.map(pythonRepr).join(', ')})`).join(', ')}]`);
    this.errors = typeof message === 'string' ? undefined : message;
  }
}

/** A copy function: copy2 unless the experiment passed something, which Python would fail to call. */
export type CopyFunction = (src: string, dst: string) => unknown;

export function notCallable(v: unknown): () => never {
  return () => {
    throw typeError(`'${pythonTypeName(v)}' object is not callable`);
  };
}

const COPY_CHUNK = 1 << 20;

function samefile(src: unknown, dst: unknown): boolean {
  try {
    return os.samestat(os.stat(src), os.stat(dst));
  } catch (e) {
    if (isOSError(e)) return false;
    throw e;
  }
}

export function copyfile(src: unknown, dst: unknown, followSymlinks: unknown = true): unknown {
  if (samefile(src, dst)) throw new ShutilError(`${pythonRepr(src)} and ${pythonRepr(dst)} are the same file`, 'shutil.SameFileError');
  for (const fn of [src, dst]) {
    let st: fs.BigIntStats | undefined;
    try {
      st = os.stat(fn);
    } catch (e) {
      if (!isOSError(e)) throw e;
    }
    if (st?.isFIFO()) throw new PythonOSError('shutil.SpecialFileError', `\`${String(fn)}\` is a named pipe`);
  }
  if (!pythonTruthy(followSymlinks) && os.islink(src)) {
    os.symlink(os.readlink(src), dst);
    return dst;
  }
  const fsrc = os.openRead(src as string);
  try {
    let fdst: number;
    try {
      fdst = os.openWrite(dst as string);
    } catch (e) {
      // Issue 43219: a less confusing error for a destination in a missing directory
      if (e instanceof PythonOSError && e.type === 'IsADirectoryError' && !os.exists(dst)) {
        throw new PythonOSError('FileNotFoundError', `Directory does not exist: ${String(dst)}`);
      }
      throw e;
    }
    try {
      const buf = Buffer.allocUnsafe(COPY_CHUNK);
      for (let n; (n = os.sys(() => fs.readSync(fsrc, buf, 0, COPY_CHUNK, null))) > 0; ) {
        let off = 0;
        while (off < n) off += os.sys(() => fs.writeSync(fdst, buf, off, n - off));
      }
    } finally {
      fs.closeSync(fdst);
    }
  } finally {
    fs.closeSync(fsrc);
  }
  return dst;
}

/** Linux has no lchmod: with follow_symlinks false and two links, nothing to do. */
function copymode(src: unknown, dst: unknown, followSymlinks: unknown = true): void {
  if (!pythonTruthy(followSymlinks) && os.islink(src) && os.islink(dst)) return;
  const st = os.stat(src);
  os.chmod(dst, Number(st.mode) & 0o7777);
}

function copystat(src: unknown, dst: unknown, followSymlinks: unknown = true): void {
  const follow = pythonTruthy(followSymlinks) || !(os.islink(src) && os.islink(dst));
  const st = follow ? os.stat(src) : os.lstat(src);
  const d = os.osPath(dst, 'utime', 'path', true);
  const seconds = (ns: bigint) => Number(ns) / 1e9;
  if (follow) os.sys(() => fs.utimesSync(d, seconds(st.atimeNs), seconds(st.mtimeNs)), dst as string);
  else os.sys(() => fs.lutimesSync(d, seconds(st.atimeNs), seconds(st.mtimeNs)), dst as string);
  // chmod(follow_symlinks=False) is NotImplementedError on Linux, which copystat swallows
  if (follow) os.chmod(dst, Number(st.mode) & 0o7777);
}

/** copy() and copy2(): the destination may be a directory; returns where the file went. */
function copyInto(src: unknown, dst: unknown, followSymlinks: unknown, metadata: typeof copymode): unknown {
  if (os.isdir(dst)) dst = os.join(dst, os.basename(src));
  copyfile(src, dst, followSymlinks);
  metadata(src, dst, followSymlinks);
  return dst;
}

export const copy = (src: unknown, dst: unknown, followSymlinks: unknown = true) => copyInto(src, dst, followSymlinks, copymode);
export const copy2 = (src: unknown, dst: unknown, followSymlinks: unknown = true) => copyInto(src, dst, followSymlinks, copystat);

/** copytree(src, dst, symlinks=True, copy_function=…), as move() calls it across file systems. */
function copytree(src: string, dst: string, copyFunction: CopyFunction): string {
  const entries = os.scandir(src);
  os.makedirs(dst, 0o777, false);
  const errors: [string, string, string][] = [];
  for (const entry of entries) {
    const srcname = os.join(src, entry.name);
    const dstname = os.join(dst, entry.name);
    try {
      if (entry.isSymlink) {
        os.symlink(os.readlink(srcname), dstname);
        copystat(srcname, dstname, false);
      } else if (entry.isDir) {
        copytree(srcname, dstname, copyFunction);
      } else {
        copyFunction(srcname, dstname);
      }
    } catch (e) {
      if (e instanceof ShutilError && e.errors) errors.push(...e.errors);
      else if (isOSError(e)) errors.push([srcname, dstname, e.message]);
      else throw e;
    }
  }
  try {
    copystat(src, dst);
  } catch (e) {
    if (!isOSError(e)) throw e;
    errors.push([src, dst, e.message]);
  }
  if (errors.length) throw new ShutilError(errors);
  return dst;
}

type OnError = (e: unknown) => void;

export function rmtree(path: unknown, ignoreErrors: unknown = false, onerror: unknown = null, dirFd: unknown = null): null {
  let handle: OnError;
  if (pythonTruthy(ignoreErrors)) handle = () => {};
  else if (onerror === null || onerror === undefined) {
    handle = (e) => {
      throw e;
    };
  } else handle = notCallable(onerror);

  // lstat(path, dir_fd=dir_fd), then open() and fstat(): a link to a directory is refused
  let origSt: fs.BigIntStats;
  try {
    os.osPath(path, 'lstat', 'path', false);
    os.dirFd(dirFd, 'lstat', 'dir_fd');
    origSt = os.lstat(path);
  } catch (e) {
    if (!(e instanceof PythonException)) throw e;
    handle(e);
    return null;
  }
  let st: fs.BigIntStats;
  try {
    st = os.openStat(path);
  } catch (e) {
    if (!(e instanceof PythonException)) throw e;
    handle(e);
    return null;
  }
  if (os.samestat(origSt, st)) {
    rmtreeSafe(path as string, path as string, handle);
    try {
      os.rmdir(path);
    } catch (e) {
      if (!isOSError(e)) throw e;
      handle(e);
    }
  } else {
    handle(new PythonOSError('OSError', 'Cannot call rmtree on a symbolic link'));
  }
  return null;
}

/**
 * _rmtree_safe_fd, with paths where Python holds directory descriptors. Python acts on each entry by its name
 * relative to the open directory, so the errors it raises name the entry alone, except a directory that cannot be
 * listed, which is reported under `path`.
 */
function rmtreeSafe(dir: string, path: string, handle: OnError): void {
  let entries: os.DirEntry[];
  try {
    entries = os.scandir(dir);
  } catch (e) {
    if (!isOSError(e)) throw e;
    handle(renamed(e, path));
    return;
  }
  for (const entry of entries) {
    const fullname = os.join(path, entry.name);
    const where = os.join(dir, entry.name);
    let isDir = entry.isDir;
    let origSt: fs.BigIntStats | undefined;
    if (isDir) {
      try {
        origSt = os.lstat(where);
        isDir = origSt.isDirectory();
      } catch (e) {
        if (!isOSError(e)) throw e;
        handle(renamed(e, entry.name));
        continue;
      }
    }
    if (!isDir) {
      try {
        os.unlink(where);
      } catch (e) {
        if (!isOSError(e)) throw e;
        handle(renamed(e, entry.name));
      }
      continue;
    }
    let st: fs.BigIntStats;
    try {
      st = os.openStat(where);
    } catch (e) {
      if (!isOSError(e)) throw e;
      handle(renamed(e, entry.name));
      continue;
    }
    if (os.samestat(origSt!, st)) {
      rmtreeSafe(where, fullname, handle);
      try {
        os.rmdir(where);
      } catch (e) {
        if (!isOSError(e)) throw e;
        handle(renamed(e, entry.name));
      }
    } else {
      handle(new PythonOSError('OSError', 'Cannot call rmtree on a symbolic link'));
    }
  }
}

/** The same OSError naming another file. */
function renamed(e: PythonOSError, filename: string): PythonOSError {
  return e.errno === undefined ? e : osError(e.errno, filename);
}

function basenameNoSlash(path: unknown): string {
  return os.basename(os.fspath(path).replace(/\/+$/, ''));
}

function destinsrc(src: string, dst: string): boolean {
  let s = os.abspath(src);
  let d = os.abspath(dst);
  if (!s.endsWith('/')) s += '/';
  if (!d.endsWith('/')) d += '/';
  return d.startsWith(s);
}

export function move(src: unknown, dst: unknown, copyFunction: CopyFunction = copy2): unknown {
  let realDst = dst;
  if (os.isdir(dst)) {
    if (samefile(src, dst)) {
      // a case-insensitive file system: rename anyway
      os.rename(src, dst);
      return null;
    }
    realDst = os.join(dst, basenameNoSlash(src));
    if (os.exists(realDst)) throw new ShutilError(`Destination path '${String(realDst)}' already exists`);
  }
  try {
    os.rename(src, realDst);
  } catch (e) {
    if (!isOSError(e)) throw e;
    const s = src as string;
    const d = realDst as string;
    if (os.islink(s)) {
      os.symlink(os.readlink(s), d);
      os.unlink(s);
    } else if (os.isdir(s)) {
      if (destinsrc(s, dst as string)) throw new ShutilError(`Cannot move a directory '${s}' into itself '${String(dst)}'.`);
      // _is_immutable() stats the source (no st_flags on Linux); the darwin-only check still lists it
      os.stat(s);
      if (!os.access(s, fs.constants.W_OK)) os.listdir(s);
      copytree(s, d, copyFunction);
      rmtree(s);
    } else {
      copyFunction(s, d);
      os.unlink(s);
    }
  }
  return realDst;
}
