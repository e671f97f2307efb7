import {NESTED_LOADERS} from './allowlist.js'
import {makeFinding} from './codes.js'
import {isJoblibWrapper, skipJoblibArray} from './pickle-joblib.js'
import {OP, SIZED_ARG, FIXED_ARG, LINE_ARG} from './pickle-opcodes.js'
import {decodeStringArg, decodeUnicodeArg, decodeUtf8Strict} from './pickle-strings.js'
import {bufferSource, Cursor, type ByteSource} from './source.js'
import {type PValue, ANY, toGlobalRef} from './pickle-values.js'
import {DEFAULT_PICKLE_LIMITS, WalkError, Walker, type PickleLimits, type PickleWalk} from './pickle-walker.js'
import {append} from '../core/arrays.js'

export {DEFAULT_PICKLE_LIMITS, type PickleLimits, type PickleWalk} from './pickle-walker.js'

/** Strings longer than this are skipped, not kept: names and small values are all the walk needs. */
const KEEP_STRING = 4096
/** Byte strings up to this size are kept, so a nested loader's argument can be scanned. */
const KEEP_BYTES = 64 * 1024 * 1024

function readLength(w: Walker, width: 1 | 4 | 8): number {
  if (width === 1) return w.byte()
  if (width === 4) return w.take(4).readUInt32LE(0)
  const length = w.take(8).readBigUInt64LE(0)
  if (length > BigInt(w.cursor.remaining)) w.fail('PICKLE_TRUNCATED', `pickle declares ${length} bytes but ends first`)
  return Number(length)
}

/** Sized arguments (Modules/_pickle.c load_binunicode, load_counted_long, load_binbytes …). */
function readSized(w: Walker, op: number): PValue {
  const [width, kind] = SIZED_ARG[op]
  const length = readLength(w, width)
  if (kind === 'long') {
    if (length === 0) return {t: 'int', n: 0}
    if (length <= 16) {
      const bytes = w.take(length)
      const unsigned = BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`)
      const signed = bytes[length - 1] & 0x80 ? unsigned - (1n << BigInt(8 * length)) : unsigned
      return {t: 'int', n: signed >= -(2n ** 53n) && signed <= 2n ** 53n ? Number(signed) : signed}
    }
    w.skip(length)
    return ANY
  }
  if (kind === 'bytes') {
    if (length > KEEP_BYTES) {
      w.skip(length)
      return {t: 'bytes', data: null, length}
    }
    // A view on the pickle's own bytes, read only if a nested loader takes them: never copied here.
    return {t: 'bytes', data: w.slice(length), length}
  }
  if (length > KEEP_STRING) {
    w.skip(length)
    return ANY
  }
  const bytes = w.take(length)
  if (kind === 'latin1') return {t: 'str', s: bytes.toString('latin1')}
  const text = decodeUtf8Strict(bytes)
  if (text === null) w.fail('PICKLE_BAD_ARGUMENT', 'a unicode string is not valid UTF-8 (the loader raises)')
  return {t: 'str', s: text}
}

/** What a call pushes. Calling a value that another call returned reaches anything (getattr chains). */
function applyCall(w: Walker, fn: PValue, args: PValue): PValue {
  if (fn.t === 'obj')
    w.note('PICKLE_COMPUTED_CALL', `pickle calls the result of ${fn.cls ?? 'a call'}, not an imported global`, [
      fn.cls ?? '<call>',
    ])
  if (fn.t === 'global' && NESTED_LOADERS.has(fn.ref)) collectNested(w, fn.ref, args)
  if (fn.t === 'global' && fn.ref === '_codecs.encode') return encodeBytes(args)
  return {t: 'obj', cls: fn.t === 'global' ? fn.ref : null, args}
}

/** _codecs.encode(text, 'latin1') is how protocol 2 writes bytes; keep them when they are literal. */
function encodeBytes(args: PValue): PValue {
  const [text, encoding] = args.t === 'seq' ? args.items : []
  if (text?.t === 'str' && (encoding === undefined || (encoding.t === 'str' && /^latin[-_]?1$/i.test(encoding.s))))
    return {t: 'bytes', data: bufferSource(Buffer.from(text.s, 'latin1')), length: text.s.length}
  return {t: 'obj', cls: '_codecs.encode', args}
}

/** A nested loader (torch.storage._load_from_bytes) runs its argument as a torch file: scan those bytes. */
function collectNested(w: Walker, ref: string, args: PValue): void {
  const first = args.t === 'seq' ? args.items[0] : undefined
  if (first?.t === 'bytes' && first.data) w.nested.push(first.data)
  else
    w.note('PICKLE_NESTED_UNREAD', `${ref} loads bytes that are not a literal in the pickle; they were not scanned`, [
      ref,
    ])
}

function readGlobal(w: Walker): PValue {
  // Modules/_pickle.c load_global: module and name lines are strict UTF-8 without the newline.
  const module = decodeUtf8Strict(w.line())
  const name = decodeUtf8Strict(w.line())
  if (module === null || name === null) w.fail('PICKLE_BAD_ARGUMENT', 'a GLOBAL name is not valid UTF-8')
  return w.addGlobal(module, name)
}

/** Executes one opcode on the abstract state. Returns false at STOP. */
function step(w: Walker, op: number): boolean {
  if (op in SIZED_ARG) {
    w.push(readSized(w, op))
    return true
  }
  switch (op) {
    case OP.STOP:
      return false
    case OP.MARK:
      if (w.marks.length >= w.limits.maxMarks) w.fail('PICKLE_LIMIT_EXCEEDED', 'pickle nests MARKs too deeply')
      w.marks.push(w.stack.length)
      return true
    case OP.PROTO:
      w.byte()
      return true
    case OP.FRAME:
      stepFrame(w)
      return true
    case OP.GLOBAL:
      w.push(readGlobal(w))
      return true
    case OP.INST: {
      const cls = readGlobal(w)
      w.push(applyCall(w, cls, {t: 'seq', items: w.popMark()}))
      return true
    }
    case OP.STACK_GLOBAL: {
      // load_stack_global requires two str operands; anything computed is a name nobody can check.
      const name = w.pop()
      const module = w.pop()
      if (module.t === 'str' && name.t === 'str') w.push(w.addGlobal(module.s, name.s))
      else {
        const ref = toGlobalRef(module, name)
        w.note('PICKLE_UNRESOLVED_GLOBAL', `STACK_GLOBAL imports ${ref}, a name computed at load time`, [ref])
        w.push(ANY)
      }
      return true
    }
    default:
      return stepData(w, op)
  }
}

function stepFrame(w: Walker): void {
  const opStart = w.cursor.pos - 1
  const length = Number(w.take(8).readBigUInt64LE(0))
  if (w.frameEnd !== null && opStart < w.frameEnd && !w.frameReported) {
    w.frameReported = true
    w.findings.push(
      makeFinding('PICKLE_FRAME_MISMATCH', `a FRAME at byte ${opStart} starts before the previous frame ends`),
    )
  }
  if (length > w.cursor.remaining)
    w.fail('PICKLE_TRUNCATED', `FRAME declares ${length} bytes but the pickle ends first`)
  w.frameEnd = w.cursor.pos + length
}

/** BUILD (load_build) calls __setstate__ or sets attributes: on an imported module or class it patches it. */
function stepBuild(w: Walker): void {
  const state = w.pop()
  const target = w.top()
  if (target.t === 'global')
    w.note('PICKLE_BUILD_ON_GLOBAL', `BUILD sets attributes on ${target.ref} itself (monkey-patching at load)`, [
      target.ref,
    ])
  if (target.t === 'obj') target.state = state
  if (!isJoblibWrapper(target)) return
  // joblib commits the frame before writing raw array bytes, so they lie outside any FRAME.
  w.checkFrame(w.cursor.pos - 1)
  w.frameEnd = null
  skipJoblibArray(w.cursor, target, {
    report: (code, message) => w.fail(code, message),
    walkEmbedded: (cursor) => w.walkEmbedded(cursor),
  })
}

/**
 * torch's persistent_load (torch/serialization.py, and the weights-only unpickler's BINPERSID rule)
 * accepts a tuple whose first item is 'storage' (legacy files also 'module'). Any other id is
 * resolved by code this scanner cannot see.
 */
function stepPersistentId(w: Walker, pid: PValue): void {
  const kind = pid.t === 'seq' ? pid.items[0] : undefined
  if (kind?.t === 'str' && (kind.s === 'storage' || kind.s === 'module')) return
  const shown = pid.t === 'str' ? `"${pid.s.slice(0, 60)}"` : `a ${pid.t}`
  w.note('PICKLE_PERSISTENT_ID', `persistent id ${shown} is not a torch storage: the loader's persistent_load decides`)
}

/** Opcodes that build containers, call objects or touch the memo. */
function stepData(w: Walker, op: number): boolean {
  switch (op) {
    case OP.REDUCE:
    case OP.NEWOBJ: {
      const args = w.pop()
      w.push(applyCall(w, w.pop(), args))
      return true
    }
    case OP.NEWOBJ_EX: {
      const kwargs = w.pop()
      const args = w.pop()
      w.push(applyCall(w, w.pop(), {t: 'seq', items: [args, kwargs]}))
      return true
    }
    case OP.OBJ: {
      const items = w.popMark()
      if (items.length === 0) w.fail('PICKLE_STACK_UNDERFLOW', 'OBJ has no class to call')
      w.push(applyCall(w, items[0], {t: 'seq', items: items.slice(1)}))
      return true
    }
    case OP.BUILD:
      stepBuild(w)
      return true
    case OP.EXT1:
    case OP.EXT2:
    case OP.EXT4: {
      const width = op === OP.EXT1 ? 1 : op === OP.EXT2 ? 2 : 4
      const code = w.take(width).readUIntLE(0, width)
      w.note('PICKLE_EXTENSION_CODE', `EXT opcode imports copyreg extension ${code}, a global no one can check`, [
        `<extension ${code}>`,
      ])
      w.push(ANY)
      return true
    }
    default:
      return stepStack(w, op)
  }
}

function stepStack(w: Walker, op: number): boolean {
  // One-byte arguments are the hot path of large pickles: read them without a Buffer.
  if (op === OP.BINPUT || op === OP.BINGET || op === OP.BININT1) {
    const arg = w.byte()
    if (op === OP.BINPUT) w.memoPut(arg, w.top())
    else w.push(op === OP.BINGET ? w.memoGet(arg) : {t: 'int', n: arg})
    return true
  }
  const fixed = FIXED_ARG[op]
  if (fixed !== undefined) {
    const arg = w.take(fixed)
    if (op === OP.BINGET || op === OP.LONG_BINGET) w.push(w.memoGet(arg.readUIntLE(0, fixed)))
    else if (op === OP.BINPUT || op === OP.LONG_BINPUT) w.memoPut(arg.readUIntLE(0, fixed), w.top())
    else if (op === OP.BININT) w.push({t: 'int', n: arg.readInt32LE(0)})
    else if (op === OP.BININT1 || op === OP.BININT2) w.push({t: 'int', n: arg.readUIntLE(0, fixed)})
    else w.push(ANY) // BINFLOAT
    return true
  }
  if (op in LINE_ARG) {
    stepLine(w, op, w.line())
    return true
  }
  return stepContainers(w, op)
}

function stepLine(w: Walker, op: number, text: Buffer): void {
  if (op === OP.GET) w.push(w.memoGet(w.lineInt(text)))
  else if (op === OP.PUT) w.memoPut(w.lineInt(text), w.top())
  else if (op === OP.INT || op === OP.LONG) w.push(parseIntLine(text))
  else if (op === OP.STRING || op === OP.UNICODE) {
    if (w.cursor.lineTruncated) return w.push(ANY)
    const s = op === OP.STRING ? decodeStringArg(text) : decodeUnicodeArg(text)
    if (s === null) w.fail('PICKLE_BAD_ARGUMENT', 'a text string argument cannot be decoded (the loader raises)')
    w.push({t: 'str', s})
  } else if (op === OP.PERSID) {
    w.push(ANY)
    stepPersistentId(w, {t: 'str', s: text.toString('latin1')})
  } else w.push(ANY) // FLOAT
}

function parseIntLine(text: Buffer): PValue {
  const s = text.toString('latin1').trim().replace(/L$/, '')
  if (s === '00') return {t: 'bool', b: false}
  if (s === '01') return {t: 'bool', b: true}
  return /^[-+]?\d{1,15}$/.test(s) ? {t: 'int', n: Number.parseInt(s, 10)} : ANY
}

function keep(w: Walker, items: PValue[], more: PValue[]): void {
  if (items.length < w.limits.maxItems) append(items, more.slice(0, w.limits.maxItems - items.length))
}

function stepContainers(w: Walker, op: number): boolean {
  switch (op) {
    case OP.MEMOIZE:
      w.memoPut(w.memo.size, w.top())
      return true
    case OP.NEWTRUE:
    case OP.NEWFALSE:
      w.push({t: 'bool', b: op === OP.NEWTRUE})
      return true
    case OP.NONE:
    case OP.NEXT_BUFFER:
      w.push(ANY)
      return true
    case OP.READONLY_BUFFER:
      w.push((w.pop(), ANY))
      return true
    case OP.BINPERSID: {
      const pid = w.pop()
      stepPersistentId(w, pid)
      w.push(ANY)
      return true
    }
    case OP.POP:
      if (w.marks.length > 0 && w.stack.length === w.marks[w.marks.length - 1]) w.marks.pop()
      else w.pop()
      return true
    case OP.POP_MARK:
      w.popMark()
      return true
    case OP.DUP:
      w.push(w.top())
      return true
    default:
      return stepCollections(w, op)
  }
}

function stepCollections(w: Walker, op: number): boolean {
  switch (op) {
    case OP.EMPTY_TUPLE:
    case OP.EMPTY_LIST:
    case OP.EMPTY_SET:
      w.push({t: 'seq', items: []})
      return true
    case OP.EMPTY_DICT:
      w.push({t: 'dict', items: []})
      return true
    case OP.TUPLE1:
    case OP.TUPLE2:
    case OP.TUPLE3: {
      const n = op - OP.TUPLE1 + 1
      const items: PValue[] = []
      for (let i = 0; i < n; i++) items.unshift(w.pop())
      w.push({t: 'seq', items})
      return true
    }
    case OP.TUPLE:
    case OP.LIST:
    case OP.FROZENSET:
      w.push({t: 'seq', items: w.popMark()})
      return true
    case OP.DICT:
      w.push({t: 'dict', items: w.popMark()})
      return true
    case OP.APPEND:
    case OP.SETITEM: {
      const more = op === OP.SETITEM ? [w.pop(), w.pop()].reverse() : [w.pop()]
      const target = w.top()
      if (target.t === 'seq' || target.t === 'dict') keep(w, target.items, more)
      return true
    }
    case OP.APPENDS:
    case OP.SETITEMS:
    case OP.ADDITEMS: {
      const more = w.popMark()
      const target = w.top()
      if (target.t === 'seq' || target.t === 'dict') keep(w, target.items, more)
      return true
    }
    default:
      w.fail('PICKLE_INVALID_OPCODE', `invalid pickle opcode 0x${op.toString(16).padStart(2, '0')}`)
  }
}

/**
 * Walks one pickle statically from `start` — never unpickling — and returns every global it would
 * import (from GLOBAL, INST and STACK_GLOBAL, resolved through the stack and memo), the findings about
 * calls and structure, what STOP returns and the byte strings a nested loader would run.
 * Globals are judged by the caller (judgeGlobals), which knows the organisation's allowances.
 */
export function walkPickle(source: ByteSource, start = 0, limits: PickleLimits = DEFAULT_PICKLE_LIMITS): PickleWalk {
  return walkPickleAt(source, start, limits, 0)
}

function walkPickleAt(source: ByteSource, start: number, limits: PickleLimits, depth: number): PickleWalk {
  const cursor = new Cursor(source, start)
  const w: Walker = new Walker(cursor, limits, depth, walkPickleAt)
  let result: PValue | null = null
  try {
    for (let ops = 0; ; ops++) {
      if (ops >= limits.maxOps) w.fail('PICKLE_LIMIT_EXCEEDED', `pickle has more than ${limits.maxOps} opcodes`)
      const opStart = cursor.pos
      const op = cursor.byte()
      if (op < 0) w.fail('PICKLE_TRUNCATED', 'pickle ends without a STOP opcode')
      w.checkFrame(opStart)
      const more = step(w, op)
      w.checkFrame(opStart)
      if (!more) {
        result = w.stack.length > 0 ? w.stack[w.stack.length - 1] : ANY
        break
      }
    }
  } catch (error) {
    if (!(error instanceof WalkError)) throw error
    w.findings.push(makeFinding(error.code, error.message))
  }
  const complete = result !== null
  return {end: cursor.pos, complete, globals: w.globals, findings: w.findings, result, nested: w.nested}
}
