/** Writes pickles opcode by opcode, so tests control every byte (including broken ones). */
export class PickleBuilder {
  private readonly parts: Buffer[] = []

  raw(...bytes: (number | Buffer | string)[]): this {
    for (const b of bytes)
      this.parts.push(typeof b === 'number' ? Buffer.from([b]) : typeof b === 'string' ? Buffer.from(b, 'latin1') : b)
    return this
  }

  proto(n: number): this {
    return this.raw(0x80, n)
  }

  /** FRAME with an explicit length (defaults are computed by `framed`). */
  frame(length: number): this {
    const b = Buffer.alloc(9)
    b[0] = 0x95
    b.writeBigUInt64LE(BigInt(length), 1)
    return this.raw(b)
  }

  global(module: string, name: string): this {
    return this.raw('c', `${module}\n${name}\n`)
  }

  inst(module: string, name: string): this {
    return this.raw('i', `${module}\n${name}\n`)
  }

  unicode(s: string): this {
    const body = Buffer.from(s, 'utf8')
    if (body.length < 256) return this.raw(0x8c, body.length, body)
    const len = Buffer.alloc(4)
    len.writeUInt32LE(body.length)
    return this.raw('X', len, body)
  }

  stackGlobal(): this {
    return this.raw(0x93)
  }

  memoize(): this {
    return this.raw(0x94)
  }

  binput(i: number): this {
    return this.raw('q', i)
  }

  binget(i: number): this {
    return this.raw('h', i)
  }

  longBinput(i: number): this {
    const b = Buffer.alloc(4)
    b.writeUInt32LE(i)
    return this.raw('r', b)
  }

  longBinget(i: number): this {
    const b = Buffer.alloc(4)
    b.writeUInt32LE(i)
    return this.raw('j', b)
  }

  mark(): this {
    return this.raw('(')
  }

  tuple1(): this {
    return this.raw(0x85)
  }

  emptyTuple(): this {
    return this.raw(')')
  }

  reduce(): this {
    return this.raw('R')
  }

  stop(): this {
    return this.raw('.')
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts)
  }

  /** Protocol 4 body wrapped in one correct FRAME. */
  static framed(body: Buffer): Buffer {
    return new PickleBuilder().proto(4).frame(body.length).raw(body).bytes()
  }
}

/** A pickle that calls module.name('x') (inert: nothing here ever unpickles it). */
export function callPickle(module: string, name: string, protocol = 2): Buffer {
  return new PickleBuilder().proto(protocol).global(module, name).unicode('x').tuple1().reduce().stop().bytes()
}
