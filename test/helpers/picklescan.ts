import {findShared} from './shared-model.js'

/** picklescan's source and test corpus in ../shared (null when absent). */
export const picklescanRoot = findShared('peers', 'picklescan')

/** picklescan's benign test files; the rest are malicious by its own verdicts (94 here; its 7z needs py7zr). */
export const PICKLESCAN_BENIGN = [
  'benign0_v0.pkl',
  'benign0_v3.pkl',
  'benign0_v4.pkl',
  'int_array.npy',
  'int_arrays.npz',
  'int_arrays_compressed.npz',
  'new_pytorch_model.bin',
  'object_array.npy',
  'object_arrays.npz',
  'object_arrays_compressed.npz',
  'pytorch_model.bin',
  'not_a_pickle.bin',
]

/** Not models: a PNG named .pt and a password-protected zip, which may be unknown, with the reason code. */
export const PICKLESCAN_UNREADABLE: Record<string, string> = {
  'bad_pytorch.pt': 'FORMAT_UNKNOWN',
  'benign_password_protected.zip': 'ZIP_ENCRYPTED',
}
