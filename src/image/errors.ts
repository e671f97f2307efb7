import {errorConstructor, usageCode, type ErrorCodes} from '../core/errors.js'

/** Codes of the image domain (`--image`); a missing or unreadable image file uses the core INPUT_* codes. */
export const IMAGE_ERRORS = {
  IMAGE_MALFORMED: usageCode(
    'An image archive does not parse: a bad tar header, a truncated member, a manifest or config that is not the JSON it should be, a layer it names that is missing.',
  ),
  IMAGE_UNSUPPORTED: usageCode(
    'An image llmsec cannot read in place: a compressed outer archive, a zstd layer, more than one image without a choice.',
  ),
} as const satisfies ErrorCodes<string>

export type ImageErrorCode = keyof typeof IMAGE_ERRORS

/** An error of the image domain. */
export const imageError = errorConstructor<ImageErrorCode>(IMAGE_ERRORS)
