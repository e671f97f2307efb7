/** The part of jsfive (0.4.x, no bundled types) the HDF5 reader uses. */
declare module 'jsfive' {
  interface Message {
    get(key: 'type' | 'offset_to_message' | 'flags'): number
  }
  interface DataObjects {
    msgs: Message[]
    find_msg_type(type: number): Message[]
    unpack_attribute(offset: number): [string, unknown]
  }
  export class File {
    constructor(buffer: ArrayBuffer, filename: string)
    _dataobjects: DataObjects
  }
}
