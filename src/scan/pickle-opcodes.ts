const c = (ch: string) => ch.charCodeAt(0)

/** Pickle opcodes of protocols 0–5 (see CPython Lib/pickle.py). */
export const OP = {
  MARK: c('('), STOP: c('.'), POP: c('0'), POP_MARK: c('1'), DUP: c('2'), FLOAT: c('F'), INT: c('I'),
  BININT: c('J'), BININT1: c('K'), LONG: c('L'), BININT2: c('M'), NONE: c('N'), PERSID: c('P'), BINPERSID: c('Q'),
  REDUCE: c('R'), STRING: c('S'), BINSTRING: c('T'), SHORT_BINSTRING: c('U'), UNICODE: c('V'), BINUNICODE: c('X'),
  APPEND: c('a'), BUILD: c('b'), GLOBAL: c('c'), DICT: c('d'), EMPTY_DICT: c('}'), APPENDS: c('e'), GET: c('g'),
  BINGET: c('h'), INST: c('i'), LONG_BINGET: c('j'), LIST: c('l'), EMPTY_LIST: c(']'), OBJ: c('o'), PUT: c('p'),
  BINPUT: c('q'), LONG_BINPUT: c('r'), SETITEM: c('s'), TUPLE: c('t'), EMPTY_TUPLE: c(')'), SETITEMS: c('u'),
  BINFLOAT: c('G'),
  PROTO: 0x80, NEWOBJ: 0x81, EXT1: 0x82, EXT2: 0x83, EXT4: 0x84, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87,
  NEWTRUE: 0x88, NEWFALSE: 0x89, LONG1: 0x8a, LONG4: 0x8b,
  BINBYTES: c('B'), SHORT_BINBYTES: c('C'),
  SHORT_BINUNICODE: 0x8c, BINUNICODE8: 0x8d, BINBYTES8: 0x8e, EMPTY_SET: 0x8f, ADDITEMS: 0x90, FROZENSET: 0x91,
  NEWOBJ_EX: 0x92, STACK_GLOBAL: 0x93, MEMOIZE: 0x94, FRAME: 0x95,
  BYTEARRAY8: 0x96, NEXT_BUFFER: 0x97, READONLY_BUFFER: 0x98,
} as const

export type SizedKind = 'str' | 'latin1' | 'bytes' | 'long'

/** Opcodes followed by a little-endian length of `width` bytes and that many bytes of data. */
export const SIZED_ARG: Record<number, [1 | 4 | 8, SizedKind]> = {
  [OP.BINSTRING]: [4, 'latin1'],
  [OP.SHORT_BINSTRING]: [1, 'latin1'],
  [OP.BINUNICODE]: [4, 'str'],
  [OP.SHORT_BINUNICODE]: [1, 'str'],
  [OP.BINUNICODE8]: [8, 'str'],
  [OP.BINBYTES]: [4, 'bytes'],
  [OP.SHORT_BINBYTES]: [1, 'bytes'],
  [OP.BINBYTES8]: [8, 'bytes'],
  [OP.BYTEARRAY8]: [8, 'bytes'],
  [OP.LONG1]: [1, 'long'],
  [OP.LONG4]: [4, 'long'],
}

/** Opcodes with a fixed-width argument (memo indices, integers, a double). */
export const FIXED_ARG: Record<number, number> = {
  [OP.BINGET]: 1,
  [OP.LONG_BINGET]: 4,
  [OP.BINPUT]: 1,
  [OP.LONG_BINPUT]: 4,
  [OP.BININT]: 4,
  [OP.BININT1]: 1,
  [OP.BININT2]: 2,
  [OP.BINFLOAT]: 8,
}

/** Protocol 0 opcodes whose argument is a newline-terminated line. */
export const LINE_ARG: Record<number, true> = {
  [OP.GET]: true,
  [OP.PUT]: true,
  [OP.INT]: true,
  [OP.LONG]: true,
  [OP.STRING]: true,
  [OP.UNICODE]: true,
  [OP.PERSID]: true,
  [OP.FLOAT]: true,
}
