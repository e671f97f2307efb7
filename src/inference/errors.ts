import {errorConstructor, usageCode, type ErrorCodes} from '../core/errors.js'

/** Codes of the inference clients; a slow endpoint is the core TIMEOUT. */
export const INFERENCE_ERRORS = {
  ENDPOINT_UNREACHABLE: usageCode('The endpoint refused the connection, could not be resolved, or failed TLS.'),
  SSE_MALFORMED: usageCode('The server sent an event stream line or event over the size limit.'),
} as const satisfies ErrorCodes<string>

export type InferenceErrorCode = keyof typeof INFERENCE_ERRORS

/** An error of the inference domain. */
export const inferenceError = errorConstructor<InferenceErrorCode>(INFERENCE_ERRORS)
