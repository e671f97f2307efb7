import {describe, expect, it} from 'vitest'

import {classifyGlobal} from '../../../src/scan/dangerous.js'
import {walkPickle, DEFAULT_PICKLE_LIMITS} from '../../../src/scan/pickle.js'
import {judgeGlobals} from '../../../src/scan/pickle-judge.js'
import {bufferSource} from '../../../src/scan/source.js'
import {callPickle, PickleBuilder} from '../../helpers/pickle-builder.js'

/** A walk with its imports judged, as the scanner reports them. */
const walk = (bytes: Buffer, limits = DEFAULT_PICKLE_LIMITS) => {
  const r = walkPickle(bufferSource(bytes), 0, limits)
  return {...r, findings: [...judgeGlobals(r.globals), ...r.findings]}
}
const codes = (bytes: Buffer) => walk(bytes).findings.map((f) => f.code)

describe('walkPickle: resolving globals', () => {
  it('resolves GLOBAL and INST (protocol 0 text opcodes)', () => {
    const p = new PickleBuilder()
      .mark()
      .unicode('ls')
      .inst('subprocess', 'check_output')
      .global('os', 'system')
      .raw('0')
      .stop()
      .bytes()
    const r = walk(p)
    expect(r.complete).toBe(true)
    expect(r.globals).toEqual(['subprocess.check_output', 'os.system'])
    expect(r.findings[0]).toMatchObject({
      code: 'PICKLE_DANGEROUS_GLOBAL',
      severity: 'critical',
      globals: ['subprocess.check_output', 'os.system'],
    })
  })

  it('resolves STACK_GLOBAL whose strings come back through MEMOIZE/BINGET', () => {
    const body = new PickleBuilder()
      .unicode('builtins')
      .memoize()
      .unicode('eval')
      .memoize()
      .raw('0', '0')
      .binget(0)
      .binget(1)
      .stackGlobal()
      .unicode('1+1')
      .tuple1()
      .reduce()
      .stop()
      .bytes()
    const r = walk(PickleBuilder.framed(body))
    expect(r.globals).toEqual(['builtins.eval'])
    expect(r.findings.map((f) => f.code)).toEqual(['PICKLE_DANGEROUS_GLOBAL'])
  })

  it('resolves through LONG_BINPUT/LONG_BINGET and text PUT/GET', () => {
    const long = new PickleBuilder()
      .proto(4)
      .unicode('posix')
      .longBinput(70000)
      .raw('0')
      .unicode('system')
      .longBinput(70001)
      .raw('0')
      .longBinget(70000)
      .longBinget(70001)
      .stackGlobal()
      .stop()
      .bytes()
    expect(walk(long).globals).toEqual(['posix.system'])
    const text = new PickleBuilder()
      .proto(4)
      .unicode('runpy')
      .raw('p5\n', '0')
      .unicode('run_path')
      .raw('p6\n', '0')
      .raw('g5\n', 'g6\n')
      .stackGlobal()
      .stop()
      .bytes()
    expect(walk(text).globals).toEqual(['runpy.run_path'])
  })

  it('reports a STACK_GLOBAL operand that is not a string as unresolved', () => {
    const p = new PickleBuilder().proto(4).raw('K', 1).unicode('system').stackGlobal().stop().bytes()
    const r = walk(p)
    expect(r.findings).toEqual([
      expect.objectContaining({code: 'PICKLE_UNRESOLVED_GLOBAL', severity: 'critical', globals: ['<int>.system']}),
    ])
  })

  it('stops at a memo read before it is written, as the loader raises KeyError there', () => {
    const p = new PickleBuilder().proto(4).binget(3).unicode('system').stackGlobal().stop().bytes()
    expect(codes(p)).toEqual(['PICKLE_MEMO_MISSING'])
  })

  it('maps Python 2 module names (__builtin__) to Python 3', () => {
    expect(walk(callPickle('__builtin__', 'eval')).globals).toEqual(['builtins.eval'])
  })

  it('reports EXT opcodes, whose target is not knowable statically', () => {
    expect(codes(new PickleBuilder().proto(2).raw(0x82, 7).stop().bytes())).toEqual(['PICKLE_EXTENSION_CODE'])
  })

  it('reports globals outside the allowlist as high and allowlisted ones not at all', () => {
    expect(walk(callPickle('mypkg.models', 'Net')).findings[0]).toMatchObject({
      code: 'UNSAFE_GLOBAL_NOT_ALLOWED',
      severity: 'high',
    })
    expect(walk(callPickle('collections', 'OrderedDict')).findings).toEqual([])
  })
})

describe('walkPickle: malformed streams', () => {
  it('reports a FRAME shorter than its content', () => {
    const body = new PickleBuilder().unicode('abcdef').stop().bytes()
    const p = new PickleBuilder().proto(4).frame(3).raw(body).bytes()
    expect(codes(p)).toEqual(['PICKLE_FRAME_MISMATCH'])
  })

  it('reports a FRAME that starts before the previous one ends', () => {
    const p = new PickleBuilder().proto(4).frame(11).raw(')').frame(1).raw('.').bytes()
    expect(codes(p)).toContain('PICKLE_FRAME_MISMATCH')
  })

  it('reports a FRAME longer than the file as truncated', () => {
    expect(codes(new PickleBuilder().proto(4).frame(1000).raw(')', '.').bytes())).toEqual(['PICKLE_TRUNCATED'])
  })

  it('reports truncation, invalid opcodes and stack underflow', () => {
    expect(codes(new PickleBuilder().proto(2).raw(')').bytes())).toEqual(['PICKLE_TRUNCATED'])
    expect(
      codes(
        new PickleBuilder()
          .proto(2)
          .raw('X', Buffer.from([0xff, 0xff, 0xff, 0x7f]))
          .bytes(),
      ),
    ).toEqual(['PICKLE_TRUNCATED'])
    expect(codes(new PickleBuilder().proto(2).raw(0xff).bytes())).toEqual(['PICKLE_INVALID_OPCODE'])
    expect(codes(new PickleBuilder().proto(2).reduce().stop().bytes())).toEqual(['PICKLE_STACK_UNDERFLOW'])
    expect(codes(new PickleBuilder().proto(2).raw('t').stop().bytes())).toEqual(['PICKLE_STACK_UNDERFLOW'])
  })

  it('bounds deep MARK nesting and the stack instead of growing without limit', () => {
    const deep = Buffer.concat([Buffer.from([0x80, 2]), Buffer.alloc(200_000, 0x28), Buffer.from('.')])
    expect(codes(deep)).toEqual(['PICKLE_LIMIT_EXCEEDED'])
    const wide = Buffer.concat([Buffer.from([0x80, 2]), Buffer.alloc(5000, 0x4e), Buffer.from('.')])
    expect(walk(wide, {...DEFAULT_PICKLE_LIMITS, maxStack: 1000}).findings.map((f) => f.code)).toEqual([
      'PICKLE_LIMIT_EXCEEDED',
    ])
  })

  it('skips huge byte strings without reading them into memory', () => {
    const header = Buffer.alloc(9)
    header[0] = 0x8e
    header.writeBigUInt64LE(1_000_000n, 1)
    const p = Buffer.concat([Buffer.from([0x80, 4]), header, Buffer.alloc(1_000_000), Buffer.from('0.')])
    expect(walk(p)).toMatchObject({complete: true, findings: []})
  })
})

describe('classifyGlobal', () => {
  it.each([
    'os.system',
    'posix.system',
    'nt.system',
    'subprocess.Popen',
    'builtins.eval',
    'builtins.exec',
    'builtins.compile',
    'builtins.getattr',
    'builtins.__import__',
    'builtins.open',
    'builtins.breakpoint',
    'runpy._run_code',
    'importlib.import_module',
    'marshal.loads',
    'pickle.loads',
    '_pickle.loads',
    'socket.create_connection',
    'shutil.rmtree',
    'pty.spawn',
    'webbrowser.open',
    'ctypes.CDLL',
    'sys.modules',
    'pdb.run',
    'functools.partial',
    'operator.attrgetter',
    'operator.itemgetter',
    'operator.methodcaller',
    'types.CodeType',
    'cloudpickle.cloudpickle._make_function',
    'torch.serialization.load',
    'torch.utils.collect_env.run',
    'torch.load',
    'numpy.testing._private.utils.runstring',
  ])('%s is dangerous', (ref) => expect(classifyGlobal(ref)).toBe('dangerous'))

  it.each([
    'torch._utils._rebuild_tensor_v2',
    'torch.FloatStorage',
    'torch.BFloat16Storage',
    'torch.float16',
    'collections.OrderedDict',
    'numpy.core.multiarray._reconstruct',
    'numpy._core.multiarray._reconstruct',
    'numpy.dtype',
    'numpy.ndarray',
    '_codecs.encode',
    'numpy.float32',
    'numpy.dtypes.Float64DType',
    'torch._utils._rebuild_parameter',
  ])('%s is allowed', (ref) => expect(classifyGlobal(ref)).toBe('allowed'))

  it('does not allow anything else, unless an organisation allows it', () => {
    expect(classifyGlobal('transformers.models.bert.BertModel')).toBe('not-allowed')
    expect(classifyGlobal('ospath.join')).toBe('not-allowed')
    const policy = {allow: new Set(['transformers.models.bert.BertModel', 'os.system'])}
    expect(classifyGlobal('transformers.models.bert.BertModel', policy)).toBe('allowed-by-policy')
    expect(classifyGlobal('os.system', policy)).toBe('dangerous')
  })

  it('treats attribute walks through dunders as dangerous (builtins.print.__class__…)', () => {
    expect(classifyGlobal('builtins.print.__class__.__base__.__subclasses__')).toBe('dangerous')
  })
})

describe('walkPickle: many globals', () => {
  it('stops at the distinct-globals limit in linear time, keeping what it found', () => {
    const parts = [Buffer.from([0x80, 2])]
    for (let i = 0; i < 20_000; i++) parts.push(Buffer.from(`cmod${i}\nname\n0`, 'latin1'))
    parts.push(Buffer.from('N.'))
    const started = performance.now()
    const r = walk(Buffer.concat(parts))
    expect(performance.now() - started).toBeLessThan(5000)
    expect(r.globals).toHaveLength(10_000)
    expect(r.findings.map((f) => f.code)).toEqual(['UNSAFE_GLOBAL_NOT_ALLOWED', 'PICKLE_LIMIT_EXCEEDED'])
    expect(r.findings[0].message).toMatch(/and 9980 more, outside the allowlist/)
  })
})
