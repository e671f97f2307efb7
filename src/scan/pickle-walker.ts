import {makeFinding, type FindingCode} from './codes.js'
import {normaliseGlobal} from './dangerous.js'
import {parseLineInt, type PValue} from './pickle-values.js'
import {sliceSource, type ByteSource, type Cursor} from './source.js'
import type {Finding} from './scan.types.js'
import {append} from '../core/arrays.js'

/** Bounds that keep a hostile pickle from costing unbounded time or memory. */
export interface PickleLimits {
  maxOps: number
  maxStack: number
  maxMemo: number
  maxMarks: number
  /** Items kept per container (more are counted but not stored). */
  maxItems: number
  /** Distinct globals; real checkpoints import a few dozen. */
  maxGlobals: number
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxOps: 50_000_000,
  maxStack: 1_000_000,
  maxMemo: 1_000_000,
  maxMarks: 100_000,
  maxItems: 256,
  maxGlobals: 10_000,
}

export interface PickleWalk {
  /** Offset just after STOP, or where the walk gave up. */
  end: number
  /** Whether STOP was reached. */
  complete: boolean
  /** Every global the pickle would import, normalised, in first-seen order. */
  globals: string[]
  findings: Finding[]
  /** What STOP returns (the top of the stack), when reached. */
  result: PValue | null
  /** Byte strings handed to a nested loader (torch.storage._load_from_bytes): files to scan themselves. */
  nested: ByteSource[]
}

/** Thrown inside the parser and caught at its entry point; not an Error, so no stack is captured (fuzzing throws a lot). */
export class WalkError {
  constructor(
    readonly code: FindingCode,
    readonly message: string,
  ) {}
}

/** The state of one static walk: the stack, the mark stack and the memo, never any real object. */
export class Walker {
  stack: PValue[] = []
  marks: number[] = []
  memo = new Map<number, PValue>()
  private readonly seen = new Set<string>()
  /** Every distinct global, in first-seen order (at most limits.maxGlobals). */
  globals: string[] = []
  findings: Finding[] = []
  nested: ByteSource[] = []
  frameEnd: number | null = null
  frameReported = false

  constructor(
    readonly cursor: Cursor,
    readonly limits: PickleLimits,
    readonly depth: number,
    /** Walks a nested pickle (passed in to keep this module free of the opcode dispatcher). */
    private readonly walkNested: (source: ByteSource, start: number, limits: PickleLimits, depth: number) => PickleWalk,
  ) {}

  /** Walks a pickle embedded in this one (joblib object arrays) and merges what it imports. */
  walkEmbedded(cursor: Cursor): void {
    if (this.depth >= 8) this.fail('PICKLE_LIMIT_EXCEEDED', 'embedded pickles nest too deeply')
    const inner = this.walkNested(cursor.source, cursor.pos, this.limits, this.depth + 1)
    for (const ref of inner.globals) this.recordGlobal(ref)
    append(this.findings, inner.findings)
    append(this.nested, inner.nested)
    cursor.pos = inner.end
    if (!inner.complete) this.fail('PICKLE_TRUNCATED', 'an embedded joblib pickle is incomplete')
  }

  fail(code: FindingCode, message: string): never {
    throw new WalkError(code, `${message} at byte ${this.cursor.pos}`)
  }

  /** Records a finding at the current position without stopping the walk. */
  note(code: FindingCode, message: string, globals: string[] = []): void {
    if (this.findings.length < 1000)
      this.findings.push(makeFinding(code, `${message} (byte ${this.cursor.pos})`, null, globals))
  }

  push(value: PValue): void {
    if (this.stack.length >= this.limits.maxStack) this.fail('PICKLE_LIMIT_EXCEEDED', 'pickle stack exceeds the limit')
    this.stack.push(value)
  }

  pop(): PValue {
    const floor = this.marks.length > 0 ? this.marks[this.marks.length - 1] : 0
    if (this.stack.length <= floor) this.fail('PICKLE_STACK_UNDERFLOW', 'pickle pops from an empty stack')
    return this.stack.pop()!
  }

  top(): PValue {
    const value = this.pop()
    this.stack.push(value)
    return value
  }

  popMark(): PValue[] {
    if (this.marks.length === 0) this.fail('PICKLE_STACK_UNDERFLOW', 'pickle has no MARK to pop to')
    const at = this.marks.pop()!
    const items = this.stack.splice(at)
    return items.length > this.limits.maxItems ? items.slice(0, this.limits.maxItems) : items
  }

  byte(): number {
    const b = this.cursor.byte()
    if (b < 0) this.fail('PICKLE_TRUNCATED', 'pickle ends inside a 1-byte argument')
    return b
  }

  take(n: number): Buffer {
    const bytes = this.cursor.take(n)
    if (!bytes) this.fail('PICKLE_TRUNCATED', `pickle ends inside an argument of ${n} bytes`)
    return bytes
  }

  /** The next n bytes as a view on the source (nothing read), advancing past them. */
  slice(n: number): ByteSource {
    const at = this.cursor.pos
    this.skip(n)
    return sliceSource(this.cursor.source, at, n)
  }

  skip(n: number): void {
    if (!this.cursor.skip(n)) this.fail('PICKLE_TRUNCATED', `pickle declares ${n} bytes but ends first`)
  }

  line(): Buffer {
    const text = this.cursor.line()
    if (!text) this.fail('PICKLE_TRUNCATED', 'pickle ends inside a text argument')
    return text
  }

  lineInt(text: Buffer): number {
    const n = parseLineInt(text)
    if (n === null) this.fail('PICKLE_BAD_ARGUMENT', 'pickle has a memo index that is not an integer')
    return n
  }

  recordGlobal(ref: string): void {
    if (this.seen.has(ref)) return
    if (this.seen.size >= this.limits.maxGlobals)
      this.fail('PICKLE_LIMIT_EXCEEDED', `pickle imports more than ${this.limits.maxGlobals} distinct globals`)
    this.seen.add(ref)
    this.globals.push(ref)
  }

  addGlobal(module: string, name: string): PValue {
    const ref = normaliseGlobal(module, name)
    this.recordGlobal(ref)
    return {t: 'global', ref}
  }

  memoPut(index: number, value: PValue): void {
    if (this.memo.size >= this.limits.maxMemo && !this.memo.has(index))
      this.fail('PICKLE_LIMIT_EXCEEDED', 'pickle memo exceeds the limit')
    this.memo.set(index, value)
  }

  memoGet(index: number): PValue {
    const value = this.memo.get(index)
    if (value !== undefined) return value
    // The loader raises KeyError here: nothing after this opcode runs.
    this.fail('PICKLE_MEMO_MISSING', `memo entry ${index} is read before it is written`)
  }

  checkFrame(opStart: number): void {
    if (this.frameEnd === null) return
    if (opStart >= this.frameEnd) {
      this.frameEnd = null
      return
    }
    if (this.cursor.pos > this.frameEnd && !this.frameReported) {
      this.frameReported = true
      this.findings.push(
        makeFinding('PICKLE_FRAME_MISMATCH', `an opcode at byte ${opStart} crosses the end of its FRAME`),
      )
    }
  }
}
