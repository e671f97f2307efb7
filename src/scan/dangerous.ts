import {isAllowlisted} from './allowlist.js'
import type {GlobalPolicy} from './scan.types.js'

/**
 * How a pickle global ("module.name") is judged: on the allowlist (built in or an organisation's),
 * known to run code (critical), or simply not allowed (high). Only the allowlist makes a file clean;
 * the dangerous list only sharpens the message and severity.
 */
export type GlobalClass = 'allowed' | 'allowed-by-policy' | 'dangerous' | 'not-allowed'

/** Whole modules whose import means code execution, files, network, processes or import machinery. */
const DANGEROUS_MODULES = [
  ...['os', 'posix', 'nt', 'posixpath', 'ntpath', 'subprocess', '_posixsubprocess', 'pty', 'shutil', 'sys'],
  ...['runpy', 'importlib', 'imp', 'zipimport', 'pkgutil', 'marshal', 'pickle', '_pickle', 'cPickle'],
  ...['dill', 'cloudpickle', 'joblib.load', 'socket', '_socket', 'ssl', 'webbrowser', 'ctypes', '_ctypes'],
  ...['pdb', 'bdb', 'code', 'codeop', 'commands', 'multiprocessing', 'asyncio', 'timeit', 'profile'],
  ...['cProfile', 'trace', 'pydoc', 'pip', 'ensurepip', 'venv', 'distutils', 'setuptools', 'doctest'],
  ...['urllib', 'urllib2', 'http', 'httplib', 'requests', 'aiohttp', 'ftplib', 'telnetlib', 'smtplib'],
  ...['imaplib', 'poplib', 'nntplib', 'xmlrpc', 'tempfile', 'glob', 'signal', 'gc', 'inspect', 'threading'],
  ...['_thread', 'platform', 'sysconfig', 'site', 'idlelib', 'lib2to3', 'test', 'logging', 'types'],
  ...['functools', '_functools', '_io', 'io', 'codecs', 'builtins.__import__', '_osx_support', '_aix_support'],
  ...['_pyrepl', 'uuid._get_command_stdout', 'numpy.f2py', 'numpy.testing', 'numpy.distutils'],
  ...['torch._dynamo', 'torch._inductor', 'torch.fx.experimental.symbolic_shapes', 'torch.jit'],
  ...['torch.utils.bottleneck', 'torch.utils._config_module', 'torch.utils.collect_env', 'torch.hub'],
  ...['torch.utils.cpp_extension', 'torch.distributed', 'torch.testing', 'torch.utils.data.datapipes'],
  ...['torch.serialization.load', 'torch.serialization._load', 'torch.serialization._legacy_load'],
  ...['operator', '_operator', 'yaml', 'keras.models', 'tensorflow', 'numpy.load', 'numpy.lib.npyio'],
]

/** Single callables that execute code or reach the filesystem, by exact "module.name". */
const DANGEROUS_NAMES = [
  ...['eval', 'exec', 'execfile', 'compile', 'getattr', 'setattr', 'delattr', '__import__', 'open'].map(
    (n) => `builtins.${n}`,
  ),
  ...['breakpoint', 'globals', 'locals', 'vars', 'input', 'file', 'apply', 'reload', 'type', 'super'].map(
    (n) => `builtins.${n}`,
  ),
  ...['memoryview', 'classmethod', 'staticmethod', 'property', 'help', 'exit', 'quit'].map((n) => `builtins.${n}`),
  'torch.load',
  'torch.save',
  'numpy.loadtxt',
  'numpy.fromfile',
  'numpy.memmap',
  'pathlib.Path.write_text',
  'pathlib.Path.write_bytes',
]

/**
 * Python 2 spellings, mapped as Python's _compat_pickle does for protocol 0–2 pickles (and torch's
 * weights-only unpickler for every protocol). Only mappings onto allowlisted modules matter: any other
 * Python 2 name stays as written and is not on the allowlist, which fails closed.
 */
const IMPORT_MAPPING: Record<string, string> = {__builtin__: 'builtins', copy_reg: 'copyreg', exceptions: 'builtins'}
const NAME_MAPPING: Record<string, string> = {
  '__builtin__.xrange': 'builtins.range',
  '__builtin__.reduce': 'functools.reduce',
  '__builtin__.intern': 'sys.intern',
  '__builtin__.unichr': 'builtins.chr',
  '__builtin__.unicode': 'builtins.str',
  '__builtin__.basestring': 'builtins.str',
  '__builtin__.long': 'builtins.int',
  'exceptions.StandardError': 'builtins.Exception',
}

/** "module.name" as the unpickler resolves it (Python 2 names mapped to Python 3). */
export function normaliseGlobal(module: string, name: string): string {
  const raw = `${module}.${name}`
  if (Object.hasOwn(NAME_MAPPING, raw)) return NAME_MAPPING[raw]
  return Object.hasOwn(IMPORT_MAPPING, module) ? `${IMPORT_MAPPING[module]}.${name}` : raw
}

const DANGEROUS_EXACT = new Set(DANGEROUS_NAMES)
const DANGEROUS_PREFIXES = DANGEROUS_MODULES.map((m) => `${m}.`)
/** A dotted name that walks into an object's internals (print.__class__.__base__…) reaches anything. */
const DUNDER_PART = /\.__\w+__(\.|$)/

/** Whether a global is known to run code or reach files, processes or the network. */
export function isDangerous(ref: string): boolean {
  if (DANGEROUS_EXACT.has(ref) || DUNDER_PART.test(ref)) return true
  return DANGEROUS_MODULES.includes(ref) || DANGEROUS_PREFIXES.some((prefix) => ref.startsWith(prefix))
}

/** Classifies an imported global. Dangerous wins over every allowlist: no allowance makes os.system safe. */
export function classifyGlobal(ref: string, policy?: GlobalPolicy): GlobalClass {
  if (isDangerous(ref)) return 'dangerous'
  if (isAllowlisted(ref)) return 'allowed'
  return policy?.allow.has(ref) ? 'allowed-by-policy' : 'not-allowed'
}
