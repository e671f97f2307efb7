/** Largest `nvidia-smi -q -x` output accepted (a 16-GPU host prints well under 1 MiB). */
export const MAX_NVIDIA_XML_BYTES = 16 * 1024 * 1024
