import {makeFinding} from './codes.js'
import {classifyGlobal} from './globals.js'
import {isJoblibWrapper, skipJoblibArray} from './pickle-joblib.js'
import {OP, SIZED_ARG, FIXED_ARG, LINE_ARG} from './pickle-opcodes.js'
import {Cursor, type ByteSource} from './source.js'
import type {Finding} from './scan.types.js'
import {type PValue, ANY, decodeString, toGlobalRef} from './pickle-values.js'
import {DEFAULT_PICKLE_LIMITS, WalkError, Walker, type PickleLimits, type PickleWalk} from './pickle-walker.js'

export {DEFAULT_PICKLE_LIMITS, type PickleLimits, type PickleWalk} from './pickle-walker.js'

function readSized(w: Walker, op: number): PValue {
  const [width, kind] = SIZED_ARG[op]
  const length = width === 1 ? w.byte() : width === 4 ? w.take(4).readUInt32LE(0) : Number(w.take(8).readBigUInt64LE(0))
  if (kind === 'long') {
    if (length === 0) return {t: 'int', n: 0}
    if (length <= 6) return {t: 'int', n: w.take(length).readIntLE(0, length)}
    w.skip(length)
    return ANY
  }
  if (kind === 'str' && length <= 4096) return {t: 'str', s: w.take(length).toString('utf8')}
  if ((kind === 'latin1' || kind === 'str') && length <= 4096) return {t: 'str', s: w.take(length).toString('latin1')}
  w.skip(length)
  return ANY
}

function applyCall(w: Walker, fn: PValue, args: PValue): PValue {
  return {t: 'obj', cls: fn.t === 'global' ? fn.ref : null, args}
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
    case OP.FRAME: {
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
      return true
    }
    case OP.GLOBAL:
    case OP.INST: {
      const module = w.line().toString('utf8')
      const name = w.line().toString('utf8')
      const ref = w.addGlobal(module, name)
      if (op === OP.INST) w.push(applyCall(w, ref, {t: 'seq', items: w.popMark()}))
      else w.push(ref)
      return true
    }
    case OP.STACK_GLOBAL: {
      const name = w.pop()
      const module = w.pop()
      if (module.t === 'str' && name.t === 'str') w.push(w.addGlobal(module.s, name.s))
      else {
        w.findings.push(
          makeFinding(
            'PICKLE_UNRESOLVED_GLOBAL',
            `STACK_GLOBAL at byte ${w.cursor.pos - 1} imports a name that cannot be resolved statically`,
            null,
            [toGlobalRef(module, name)],
          ),
        )
        w.push(ANY)
      }
      return true
    }
    default:
      return stepData(w, op)
  }
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
      w.push(items.length > 0 ? applyCall(w, items[0], {t: 'seq', items: items.slice(1)}) : ANY)
      return true
    }
    case OP.BUILD: {
      const state = w.pop()
      const target = w.top()
      if (target.t === 'obj') target.state = state
      if (!isJoblibWrapper(target)) return true
      // joblib commits the frame before writing raw array bytes, so they lie outside any FRAME.
      w.checkFrame(w.cursor.pos - 1)
      w.frameEnd = null
      skipJoblibArray(w.cursor, target, {
        report: (code, message) => w.fail(code, message),
        walkEmbedded: (cursor) => w.walkEmbedded(cursor),
      })
      return true
    }
    case OP.EXT1:
    case OP.EXT2:
    case OP.EXT4: {
      const code = w
        .take(op === OP.EXT1 ? 1 : op === OP.EXT2 ? 2 : 4)
        .readUIntLE(0, op === OP.EXT1 ? 1 : op === OP.EXT2 ? 2 : 4)
      w.findings.push(
        makeFinding(
          'PICKLE_EXTENSION_CODE',
          `EXT opcode loads copyreg extension ${code}, whose global cannot be known statically`,
        ),
      )
      w.push(ANY)
      return true
    }
    default:
      return stepStack(w, op)
  }
}

function stepStack(w: Walker, op: number): boolean {
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
    const text = w.line()
    if (op === OP.GET) w.push(w.memoGet(w.lineInt(text)))
    else if (op === OP.PUT) w.memoPut(w.lineInt(text), w.top())
    else if (op === OP.INT || op === OP.LONG) w.push({t: 'int', n: Number.parseInt(text.toString('latin1'), 10)})
    else if (op === OP.STRING || op === OP.UNICODE) w.push(w.cursor.lineTruncated ? ANY : decodeString(op, text))
    else if (op === OP.PERSID) w.push(ANY)
    else w.push(ANY) // FLOAT
    return true
  }
  return stepContainers(w, op)
}

function keep(w: Walker, items: PValue[], more: PValue[]): void {
  if (items.length < w.limits.maxItems) items.push(...more.slice(0, w.limits.maxItems - items.length))
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
    case OP.BINPERSID:
      w.push((w.pop(), ANY))
      return true
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
 * import (from GLOBAL, INST and STACK_GLOBAL, resolved through the stack and memo), each classified,
 * plus findings for unresolvable memo references, FRAME mismatches, truncation and limits.
 */
export function walkPickle(source: ByteSource, start = 0, limits: PickleLimits = DEFAULT_PICKLE_LIMITS): PickleWalk {
  return walkPickleAt(source, start, limits, 0)
}

function walkPickleAt(source: ByteSource, start: number, limits: PickleLimits, depth: number): PickleWalk {
  const cursor = new Cursor(source, start)
  const w: Walker = new Walker(cursor, limits, depth, walkPickleAt)
  let complete = false
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
        complete = true
        break
      }
    }
  } catch (error) {
    if (!(error instanceof WalkError)) throw error
    w.findings.push(makeFinding(error.code, error.message))
  }
  const findings = depth === 0 ? [...classifyFindings(w.globals), ...w.findings] : w.findings
  return {end: cursor.pos, complete, globals: w.globals, findings}
}

/** One finding for the dangerous globals and one for the unknown ones. */
const listed = (refs: string[]) =>
  refs.length <= 20 ? refs.join(', ') : `${refs.slice(0, 20).join(', ')} and ${refs.length - 20} more`

function classifyFindings(globals: string[]): Finding[] {
  const dangerous = globals.filter((g) => classifyGlobal(g) === 'dangerous')
  const unknown = globals.filter((g) => classifyGlobal(g) === 'unknown')
  const findings: Finding[] = []
  if (dangerous.length > 0)
    findings.push(
      makeFinding(
        'PICKLE_DANGEROUS_GLOBAL',
        `pickle imports ${listed(dangerous)}: loading it can run code`,
        null,
        dangerous,
      ),
    )
  if (unknown.length > 0)
    findings.push(
      makeFinding(
        'PICKLE_UNKNOWN_GLOBAL',
        `pickle imports globals outside the allowlist: ${listed(unknown)}`,
        null,
        unknown,
      ),
    )
  return findings
}
