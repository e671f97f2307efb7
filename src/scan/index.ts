export {detectModelFormat, DETECT_HEAD_BYTES, isPickleBased, zipEntryNames} from './detect.js'
export type {ModelFormat} from './detect.js'
