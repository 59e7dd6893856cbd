// Python exceptions as the reference journals them: a python activity that raises fails with the message
// `traceback.format_exception_only(type(x), x)[0].strip()`, i.e. "ExcType: message". OSError and its subclasses
// print as "[Errno 2] No such file or directory: 'a' -> 'b'", with the class CPython picks for the errno.
import { pythonRepr, pythonStrip } from '../../python/values.ts';

/** An exception a native function raises the way its Python original would. */
export class PythonException extends Error {
  override name = 'PythonException';
  /** the class as format_exception_only prints it: builtins bare (`ValueError`), others qualified (`shutil.Error`) */
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
  /** `ExcType: message`, the bare type when str(exception) is empty, stripped as chaoslib strips it */
  format(): string {
    return pythonStrip(this.message ? `${this.type}: ${this.message}` : this.type);
  }
}

/** OSError and its subclasses; with an errno, str() is "[Errno N] strerror" plus the file name(s) as repr(). */
export class PythonOSError extends PythonException {
  override name = 'PythonOSError';
  readonly errno: number | undefined;
  readonly filename: string | undefined;
  readonly filename2: string | undefined;
  constructor(type: string, message: string, errno?: number, filename?: string, filename2?: string) {
    super(type, message);
    this.errno = errno;
    this.filename = filename;
    this.filename2 = filename2;
  }
}

/** OSError(errno, strerror(errno), filename, None, filename2), as the failed system call raises it. */
export function osError(errno: number, filename?: string, filename2?: string): PythonOSError {
  return new PythonOSError(ERRNO_CLASS[errno] ?? 'OSError', describe(errno, filename, filename2), errno, filename, filename2);
}

/** `except OSError` */
export function isOSError(e: unknown): e is PythonOSError {
  return e instanceof PythonOSError;
}

/** `except ValueError` (UnicodeEncodeError is one) */
export function isValueError(e: unknown): e is PythonException {
  return e instanceof PythonException && (e.type === 'ValueError' || e.type === 'UnicodeEncodeError');
}

/** `except FileExistsError` */
export function isFileExists(e: unknown): boolean {
  return e instanceof PythonOSError && e.type === 'FileExistsError';
}

export function typeError(message: string): PythonException {
  return new PythonException('TypeError', message);
}

/** The OSError Python raises for a failed system call, from the error node:fs threw (anything else is rethrown). */
export function fromSystemError(err: unknown, filename?: string, filename2?: string): Error {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.errno !== 'number' || typeof e.code !== 'string') return err as Error;
  // libuv reports -errno on Linux
  return osError(Math.abs(e.errno), filename, filename2);
}

function describe(errno: number, filename?: string, filename2?: string): string {
  let s = `[Errno ${errno}] ${strerror(errno)}`;
  if (filename !== undefined) s += `: ${pythonRepr(filename)}`;
  if (filename !== undefined && filename2 !== undefined) s += ` -> ${pythonRepr(filename2)}`;
  return s;
}

/** glibc's strerror() for the errors file operations give (Linux numbers); others as glibc words unknown ones. */
export function strerror(errno: number): string {
  return STRERROR[errno] ?? `Unknown error ${errno}`;
}

const STRERROR: Record<number, string> = {
  1: 'Operation not permitted',
  2: 'No such file or directory',
  3: 'No such process',
  4: 'Interrupted system call',
  5: 'Input/output error',
  6: 'No such device or address',
  7: 'Argument list too long',
  9: 'Bad file descriptor',
  11: 'Resource temporarily unavailable',
  12: 'Cannot allocate memory',
  13: 'Permission denied',
  14: 'Bad address',
  16: 'Device or resource busy',
  17: 'File exists',
  18: 'Invalid cross-device link',
  19: 'No such device',
  20: 'Not a directory',
  21: 'Is a directory',
  22: 'Invalid argument',
  23: 'Too many open files in system',
  24: 'Too many open files',
  26: 'Text file busy',
  27: 'File too large',
  28: 'No space left on device',
  29: 'Illegal seek',
  30: 'Read-only file system',
  31: 'Too many links',
  32: 'Broken pipe',
  36: 'File name too long',
  38: 'Function not implemented',
  39: 'Directory not empty',
  40: 'Too many levels of symbolic links',
  61: 'No data available',
  75: 'Value too large for defined data type',
  95: 'Operation not supported',
  110: 'Connection timed out',
  111: 'Connection refused',
  104: 'Connection reset by peer',
  116: 'Stale file handle',
  122: 'Disk quota exceeded',
  125: 'Operation canceled',
};

/** PEP 3151: the OSError subclass CPython raises for an errno (Linux numbers). */
const ERRNO_CLASS: Record<number, string> = {
  11: 'BlockingIOError', // EAGAIN
  114: 'BlockingIOError', // EALREADY
  115: 'BlockingIOError', // EINPROGRESS
  10: 'ChildProcessError', // ECHILD
  32: 'BrokenPipeError', // EPIPE
  108: 'BrokenPipeError', // ESHUTDOWN
  103: 'ConnectionAbortedError',
  111: 'ConnectionRefusedError',
  104: 'ConnectionResetError',
  17: 'FileExistsError',
  2: 'FileNotFoundError',
  4: 'InterruptedError',
  21: 'IsADirectoryError',
  20: 'NotADirectoryError',
  13: 'PermissionError', // EACCES
  1: 'PermissionError', // EPERM
  3: 'ProcessLookupError', // ESRCH
  110: 'TimeoutError',
};
