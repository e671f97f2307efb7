/** Container images read in place as a virtual root (`--image`). */
export {openImage, summarizeImage, withImage, type ImageSummary, type OpenImage} from './archive.js'
export type {ImageConfig} from './config.js'
