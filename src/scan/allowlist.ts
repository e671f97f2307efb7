/**
 * The globals a pickle may import and still be called clean. Each group names where it comes from;
 * docs/scan-policy.md lists the same groups. Nothing is here by taste: these are the names torch's
 * weights-only unpickler allows, what numpy's format module and joblib write, and the container
 * classes whole-model saves need.
 */
export interface AllowGroup {
  source: string
  globals: readonly string[]
}

const STORAGE_TYPES = ['Double', 'Float', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool']
const TENSOR_TYPES = ['Double', 'Float', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool']
const SPARSE_TYPES = ['Double', 'Float', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte']

const TORCH_DTYPES = [
  ...['float16', 'float32', 'float64', 'bfloat16', 'complex32', 'complex64', 'complex128'],
  ...['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'],
  ...['qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4'],
  ...['float8_e4m3fn', 'float8_e5m2', 'float8_e4m3fnuz', 'float8_e5m2fnuz', 'float8_e8m0fnu', 'float4_e2m1fn_x2'],
  ...['bits1x8', 'bits2x4', 'bits4x2', 'bits8', 'bits16'],
  ...[1, 2, 3, 4, 5, 6, 7].flatMap((n) => [`uint${n}`, `int${n}`]),
]

const TORCH_REBUILD = [
  '_rebuild_parameter',
  '_rebuild_parameter_with_state',
  '_rebuild_qtensor',
  '_rebuild_tensor',
  '_rebuild_tensor_v2',
  '_rebuild_tensor_v3',
  '_rebuild_sparse_tensor',
  '_rebuild_sparse_csr_tensor',
  '_rebuild_meta_tensor_no_storage',
  '_rebuild_wrapper_subclass',
  '_rebuild_device_tensor_from_numpy',
  '_rebuild_device_tensor_from_cpu_tensor',
]

/** torch.nn.modules.__all__ by submodule: the classes a whole-model torch.save pickles by reference. */
const NN_MODULES: Record<string, string> = {
  activation:
    'CELU ELU GELU GLU Hardshrink Hardsigmoid Hardswish Hardtanh LeakyReLU LogSigmoid LogSoftmax Mish ' +
    'MultiheadAttention PReLU RReLU ReLU ReLU6 SELU SiLU Sigmoid Softmax Softmax2d Softmin Softplus ' +
    'Softshrink Softsign Tanh Tanhshrink Threshold',
  adaptive: 'AdaptiveLogSoftmaxWithLoss',
  batchnorm: 'BatchNorm1d BatchNorm2d BatchNorm3d LazyBatchNorm1d LazyBatchNorm2d LazyBatchNorm3d SyncBatchNorm',
  channelshuffle: 'ChannelShuffle',
  container: 'Container ModuleDict ModuleList ParameterDict ParameterList Sequential',
  conv:
    'Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d LazyConv1d LazyConv2d LazyConv3d ' +
    'LazyConvTranspose1d LazyConvTranspose2d LazyConvTranspose3d',
  distance: 'CosineSimilarity PairwiseDistance',
  dropout: 'AlphaDropout Dropout Dropout1d Dropout2d Dropout3d FeatureAlphaDropout',
  flatten: 'Flatten Unflatten',
  fold: 'Fold Unfold',
  instancenorm: 'InstanceNorm1d InstanceNorm2d InstanceNorm3d LazyInstanceNorm1d LazyInstanceNorm2d LazyInstanceNorm3d',
  linear: 'Bilinear Identity LazyLinear Linear',
  loss:
    'BCELoss BCEWithLogitsLoss CTCLoss CosineEmbeddingLoss CrossEntropyLoss GaussianNLLLoss HingeEmbeddingLoss ' +
    'HuberLoss KLDivLoss L1Loss MSELoss MarginRankingLoss MultiLabelMarginLoss MultiLabelSoftMarginLoss ' +
    'MultiMarginLoss NLLLoss NLLLoss2d PoissonNLLLoss SmoothL1Loss SoftMarginLoss TripletMarginLoss ' +
    'TripletMarginWithDistanceLoss',
  module: 'Module',
  normalization: 'CrossMapLRN2d GroupNorm LayerNorm LocalResponseNorm RMSNorm',
  padding:
    'CircularPad1d CircularPad2d CircularPad3d ConstantPad1d ConstantPad2d ConstantPad3d ReflectionPad1d ' +
    'ReflectionPad2d ReflectionPad3d ReplicationPad1d ReplicationPad2d ReplicationPad3d ZeroPad1d ZeroPad2d ZeroPad3d',
  pixelshuffle: 'PixelShuffle PixelUnshuffle',
  pooling:
    'AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveMaxPool1d AdaptiveMaxPool2d AdaptiveMaxPool3d ' +
    'AvgPool1d AvgPool2d AvgPool3d FractionalMaxPool2d FractionalMaxPool3d LPPool1d LPPool2d LPPool3d ' +
    'MaxPool1d MaxPool2d MaxPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d',
  rnn: 'GRU GRUCell LSTM LSTMCell RNN RNNBase RNNCell RNNCellBase',
  sparse: 'Embedding EmbeddingBag',
  transformer: 'Transformer TransformerDecoder TransformerDecoderLayer TransformerEncoder TransformerEncoderLayer',
  upsampling: 'Upsample UpsamplingBilinear2d UpsamplingNearest2d',
}

const NUMPY_SCALARS = [
  ...['bool_', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'],
  ...['float16', 'float32', 'float64', 'longdouble', 'complex64', 'complex128', 'clongdouble'],
  ...['str_', 'bytes_', 'void', 'datetime64', 'timedelta64', 'intc', 'uintc', 'longlong', 'ulonglong'],
]
const NUMPY_DTYPE_CLASSES = [
  ...['Bool', 'Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64'],
  ...['Float16', 'Float32', 'Float64', 'LongDouble', 'Complex64', 'Complex128', 'CLongDouble'],
  ...['Str', 'Bytes', 'Void', 'Object', 'DateTime64', 'TimeDelta64', 'Long', 'ULong', 'LongLong', 'ULongLong'],
  ...['Byte', 'UByte', 'Short', 'UShort', 'Int', 'UInt'],
].map((name) => `numpy.dtypes.${name}DType`)

export const ALLOW_GROUPS: readonly AllowGroup[] = [
  {
    source:
      'torch/_weights_only_unpickler.py _get_allowed_globals: containers, Parameter, layout, Size, Tensor, device',
    globals: [
      'collections.OrderedDict',
      'collections.Counter',
      'torch.nn.parameter.Parameter',
      'torch.serialization._get_layout',
      'torch.Size',
      'torch.Tensor',
      'torch.device',
      '_codecs.encode',
      'builtins.bytearray',
      'builtins.set',
      'builtins.complex',
    ],
  },
  {
    source: 'torch/_weights_only_unpickler.py _get_allowed_globals: dtypes (torch.storage dtype maps, uint1-7, int1-7)',
    globals: TORCH_DTYPES.map((d) => `torch.${d}`),
  },
  {
    source: 'torch/_weights_only_unpickler.py _get_allowed_globals: torch._tensor_classes and torch._storage_classes',
    globals: [
      ...STORAGE_TYPES.flatMap((t) => [`torch.${t}Storage`, `torch.cuda.${t}Storage`]),
      ...['ComplexDouble', 'ComplexFloat'].flatMap((t) => [`torch.${t}Storage`, `torch.cuda.${t}Storage`]),
      ...['QUInt8', 'QInt8', 'QInt32', 'QUInt4x2', 'QUInt2x4'].map((t) => `torch.${t}Storage`),
      'torch.storage.TypedStorage',
      'torch.storage.UntypedStorage',
      'torch.UntypedStorage',
      'torch.TypedStorage',
      ...TENSOR_TYPES.flatMap((t) => [`torch.${t}Tensor`, `torch.cuda.${t}Tensor`]),
      ...SPARSE_TYPES.flatMap((t) => [`torch.sparse.${t}Tensor`, `torch.cuda.sparse.${t}Tensor`]),
    ],
  },
  {
    source: 'torch/_weights_only_unpickler.py _get_allowed_globals: quantization schemes',
    globals: [
      'per_tensor_affine',
      'per_tensor_symmetric',
      'per_channel_affine',
      'per_channel_symmetric',
      'per_channel_affine_float_qparams',
    ].map((q) => `torch.${q}`),
  },
  {
    source: 'torch/_weights_only_unpickler.py _tensor_rebuild_functions and torch._tensor._rebuild_from_type_v2',
    globals: [...TORCH_REBUILD.map((f) => `torch._utils.${f}`), 'torch._tensor._rebuild_from_type_v2'],
  },
  {
    source: 'torch.storage._load_from_bytes: a nested torch file, scanned itself (how pickle.dumps writes a storage)',
    globals: ['torch.storage._load_from_bytes'],
  },
  {
    source: 'torch.nn.modules.__all__: module classes of whole-model torch.save (their state is rebuilt by BUILD)',
    globals: Object.entries(NN_MODULES).flatMap(([module, names]) =>
      names.split(' ').map((name) => `torch.nn.modules.${module}.${name}`),
    ),
  },
  {
    source:
      'numpy/lib/format.py write_array pickles object arrays (protocol 3): ndarray reconstruction, dtypes and scalars; ' +
      'the torch.serialization.add_safe_globals documentation names the same for numpy arrays',
    globals: [
      ...['numpy.core.multiarray', 'numpy._core.multiarray'].flatMap((m) => [`${m}._reconstruct`, `${m}.scalar`]),
      'numpy.ndarray',
      'numpy.dtype',
      'numpy.ma.core._mareconstruct',
      ...NUMPY_SCALARS.map((s) => `numpy.${s}`),
      ...NUMPY_DTYPE_CLASSES,
    ],
  },
  {
    source: 'joblib/numpy_pickle.py and numpy_pickle_compat.py: the array wrappers joblib.dump writes',
    globals: ['joblib.numpy_pickle.NumpyArrayWrapper', 'joblib.numpy_pickle_compat.NDArrayWrapper'],
  },
  {
    source: 'Python pickle: builtins containers and constants, and copyreg._reconstructor (protocol 0/1 objects)',
    globals: [
      ...['frozenset', 'dict', 'list', 'tuple', 'bytes', 'slice', 'range', 'object'].map((n) => `builtins.${n}`),
      ...['int', 'float', 'str', 'bool', 'Ellipsis', 'NotImplemented'].map((n) => `builtins.${n}`),
      'collections.defaultdict',
      'collections.deque',
      'copyreg._reconstructor',
    ],
  },
  {
    source: 'pathlib: path classes (checkpoints store paths of their training runs)',
    globals: ['Path', 'PosixPath', 'WindowsPath', 'PurePath', 'PurePosixPath', 'PureWindowsPath'].map(
      (c) => `pathlib.${c}`,
    ),
  },
]

const ALLOWED = new Set(ALLOW_GROUPS.flatMap((group) => group.globals))

/** Whether the built-in allowlist holds this "module.name". */
export function isAllowlisted(ref: string): boolean {
  return ALLOWED.has(ref)
}

/** Globals whose call hands bytes to a loader: their argument is a nested file to scan. */
export const NESTED_LOADERS: ReadonlySet<string> = new Set(['torch.storage._load_from_bytes'])
