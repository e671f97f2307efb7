/** How a pickle global ("module.name") is judged. */
export type GlobalClass = 'safe' | 'dangerous' | 'unknown'

const TORCH_STORAGES = ['Double', 'Float', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool']
  .flatMap((t) => [`${t}Storage`, `cuda.${t}Storage`])
  .concat(['ComplexFloatStorage', 'ComplexDoubleStorage', 'QInt8Storage', 'QUInt8Storage', 'QInt32Storage'])
  .concat(['UntypedStorage', 'TypedStorage', 'storage.UntypedStorage', 'storage.TypedStorage'])

const TORCH_DTYPES = [
  'float16',
  'float32',
  'float64',
  'bfloat16',
  'half',
  'float',
  'double',
  'complex64',
  'complex128',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'bool',
  'qint8',
  'quint8',
  'qint32',
  'float8_e4m3fn',
  'float8_e5m2',
]

const TORCH_HELPERS = [
  '_utils._rebuild_tensor',
  '_utils._rebuild_tensor_v2',
  '_utils._rebuild_tensor_v3',
  '_utils._rebuild_parameter',
  '_utils._rebuild_parameter_with_state',
  '_utils._rebuild_qtensor',
  '_utils._rebuild_sparse_tensor',
  '_utils._rebuild_nested_tensor',
  '_utils._rebuild_device_tensor_from_numpy',
  '_utils._rebuild_meta_tensor_no_storage',
  '_utils._rebuild_wrapper_subclass',
  '_tensor._rebuild_from_type_v2',
  'Tensor',
  'Size',
  'device',
  'strided',
  'sparse_coo',
  'per_tensor_affine',
  'per_channel_affine',
  'nn.parameter.Parameter',
  'serialization._get_layout',
]

/** Globals real checkpoints import: tensor rebuild helpers, storages, dtypes, containers, numpy reconstruction. */
const SAFE = new Set<string>([
  ...TORCH_STORAGES.map((s) => `torch.${s}`),
  ...TORCH_DTYPES.map((d) => `torch.${d}`),
  ...TORCH_HELPERS.map((h) => `torch.${h}`),
  'collections.OrderedDict',
  'collections.defaultdict',
  'collections.Counter',
  'collections.deque',
  'builtins.set',
  'builtins.frozenset',
  'builtins.dict',
  'builtins.list',
  'builtins.tuple',
  'builtins.bytearray',
  'builtins.bytes',
  'builtins.complex',
  'builtins.slice',
  'builtins.range',
  'builtins.object',
  'builtins.int',
  'builtins.float',
  'builtins.str',
  'builtins.bool',
  'copyreg._reconstructor',
  '_codecs.encode',
  'argparse.Namespace',
  'datetime.datetime',
  'datetime.date',
  'datetime.timedelta',
  'decimal.Decimal',
  'fractions.Fraction',
  'uuid.UUID',
  'numpy.ndarray',
  'numpy.dtype',
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar',
  'numpy.ma.core._mareconstruct',
  'joblib.numpy_pickle.NumpyArrayWrapper',
  'joblib.numpy_pickle_compat.NDArrayWrapper',
])

/** numpy scalar types (numpy.float32 …) and dtype classes (numpy.dtypes.Float32DType …). */
const SAFE_PATTERNS = [
  /^numpy\.(bool_|u?int(8|16|32|64)|float(16|32|64)|complex(64|128)|str_|bytes_|longlong|ulonglong|intc|uintc|half|single|double)$/,
  /^numpy\.dtypes\.\w+DType$/,
]

/** Whole modules whose import means code execution, file, network or import machinery. */
const DANGEROUS_MODULES = [
  'os',
  'posix',
  'nt',
  'posixpath',
  'ntpath',
  'subprocess',
  '_posixsubprocess',
  'runpy',
  'importlib',
  'imp',
  'zipimport',
  'pkgutil',
  'marshal',
  'pickle',
  '_pickle',
  'cPickle',
  'dill',
  'cloudpickle',
  'joblib.load',
  'socket',
  '_socket',
  'ssl',
  'shutil',
  'pty',
  'webbrowser',
  'ctypes',
  '_ctypes',
  'sys',
  'pdb',
  'bdb',
  'code',
  'codeop',
  'commands',
  'multiprocessing',
  'asyncio',
  'timeit',
  'profile',
  'cProfile',
  'trace',
  'pydoc',
  'pip',
  'urllib',
  'urllib2',
  'http',
  'httplib',
  'requests',
  'ftplib',
  'telnetlib',
  'smtplib',
  'xmlrpc',
  'tempfile',
  'glob',
  'signal',
  'gc',
  'inspect',
  'threading',
  '_thread',
  'platform',
  'sysconfig',
  'site',
]

/** Single callables that execute code or reach the filesystem, by exact "module.name". */
const DANGEROUS_NAMES = new Set<string>([
  ...[
    'eval',
    'exec',
    'execfile',
    'compile',
    'getattr',
    'setattr',
    'delattr',
    '__import__',
    'open',
    'breakpoint',
    'globals',
    'locals',
    'vars',
    'input',
    'file',
    'apply',
    'reload',
  ].flatMap((n) => [`builtins.${n}`, `__builtin__.${n}`]),
  'functools.partial',
  'functools.reduce',
  '_functools.partial',
  '_functools.reduce',
  'operator.attrgetter',
  'operator.itemgetter',
  'operator.methodcaller',
  '_operator.attrgetter',
  '_operator.itemgetter',
  '_operator.methodcaller',
  'types.CodeType',
  'types.FunctionType',
  'types.MethodType',
  'types.ModuleType',
  'io.open',
  '_io.open',
  'io.FileIO',
  '_io.FileIO',
  'codecs.open',
  'pathlib.Path.write_text',
  'torch.load',
  'torch.serialization.load',
  'torch.serialization._load',
  'torch.storage._load_from_bytes',
  'torch.utils.collect_env.run',
  'torch.utils.collect_env.run_and_read_all',
  'torch.utils.collect_env.run_and_parse_first_match',
  'torch.utils.collect_env.run_and_return_first_line',
  'torch.hub.load',
  'torch.hub.load_state_dict_from_url',
  'torch.hub.download_url_to_file',
  'torch.jit.load',
  'torch._inductor.codecache.compile_file',
  'torch.utils.cpp_extension.load_inline',
  'torch.utils.cpp_extension.load',
  'torch.fx.experimental.symbolic_shapes.ShapeEnv.evaluate_guards_expression',
  'torch.distributed.rpc.remote',
  'torch.distributed.rpc.rpc_sync',
  'torch.distributed.rpc.rpc_async',
  'torch._dynamo.guards.GuardBuilder.get',
  'torch.testing._internal.common_utils.shell',
  'numpy.load',
  'numpy.lib.npyio.load',
  'numpy.loadtxt',
  'numpy.fromfile',
  'numpy.testing._private.utils.runstring',
  'numpy.f2py.compile',
  'numpy.distutils.exec_command',
  'keras.models.load_model',
  'tensorflow.keras.models.load_model',
  'yaml.load',
  'yaml.unsafe_load',
])

/** Python 2 spellings that protocol 0–2 pickles use for the same modules. */
const RENAMES: Record<string, string> = {__builtin__: 'builtins', copy_reg: 'copyreg', exceptions: 'builtins'}

/** Normalises "module.name" (Python 2 module spellings map to Python 3). */
export function normaliseGlobal(module: string, name: string): string {
  return `${RENAMES[module] ?? module}.${name}`
}

const DANGEROUS_ROOTS = new Set(DANGEROUS_MODULES.filter((m) => !m.includes('.')))
const DANGEROUS_DOTTED = DANGEROUS_MODULES.filter((m) => m.includes('.'))
const cache = new Map<string, GlobalClass>()

function classifyUncached(ref: string): GlobalClass {
  if (DANGEROUS_NAMES.has(ref)) return 'dangerous'
  const dot = ref.indexOf('.')
  if (DANGEROUS_ROOTS.has(dot < 0 ? ref : ref.slice(0, dot))) return 'dangerous'
  if (DANGEROUS_DOTTED.some((mod) => ref === mod || ref.startsWith(`${mod}.`))) return 'dangerous'
  if (SAFE.has(ref) || SAFE_PATTERNS.some((pattern) => pattern.test(ref))) return 'safe'
  return 'unknown'
}

/** Classifies a global imported by a pickle. Dangerous wins over safe; anything not on the allowlist is unknown. */
export function classifyGlobal(ref: string): GlobalClass {
  let verdict = cache.get(ref)
  if (verdict === undefined) {
    verdict = classifyUncached(ref)
    // Bounded: hostile pickles can import millions of distinct names.
    if (cache.size < 10_000) cache.set(ref, verdict)
  }
  return verdict
}
