import {Flags} from '@oclif/core'

import {resolveRootOption} from '../../core/root-path.js'
import type {ImageSummary} from '../../image/index.js'

/** `--image`: the one definition audit, scan, vulns and inventory share (it excludes `--root`). */
export const imageFlag = Flags.string({
  description:
    'Inspect a container image in place: a docker save archive, an OCI image layout (directory or tar) or a docker export tar; nothing is extracted.',
  exclusive: ['root'],
})

/** The system a command inspects: this host (`/`), a `--root` directory, or an opened `--image`. */
export interface Inspected {
  /** The root readers take (a virtual root for an image). */
  root: string
  /** Whether this is the running host (live checks apply). */
  live: boolean
  /** The image, when one was given. */
  image: (ImageSummary & {name: string}) | null
}

/**
 * Runs `work` on the system the flags name: `--image` is opened as a virtual root and closed
 * afterwards; `--root` must be a directory; neither is this host.
 */
export async function withInspected<T>(
  flags: {root?: string; image?: string},
  work: (inspected: Inspected) => Promise<T>,
): Promise<T> {
  if (flags.image) {
    // The image readers (tar, gzip, OCI layouts) are loaded for --image only.
    const {summarizeImage, withImage} = await import('../../image/index.js')
    return withImage(flags.image, async (image) =>
      work({root: image.root, live: false, image: {...summarizeImage(image), name: image.name}}),
    )
  }
  const root = await resolveRootOption(flags.root)
  return work({root, live: root === '/', image: null})
}
