import {Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {imageFlag, withInspected} from '../src/cli/flags/image.js'
import {renderInventory} from '../src/cli/render/inventory.js'
import {collectInventory, type InventoryResult} from '../src/hardware/index.js'

export default class Inventory extends LlmsecCommand<typeof Inventory> {
  static override summary =
    'List GPUs, host facts, inference runtimes and model files on this host (or a mounted image)'
  static override description = `Reads GPUs (nvidia-smi, amd-smi or rocm-smi, else the OS's display controllers), host facts (OS, kernel, CPU, memory, virtualisation, disk and swap encryption, Secure Boot), running inference runtimes with the addresses they listen on, and model files found by content in the usual model directories.

With --root, inventories a mounted root filesystem or unpacked image offline: model files (paths inside the root; links never lead out of it) and the host facts its files hold (/etc/hostname, /etc/os-release). The live sections (GPUs, processes, sockets, container tools) say they were skipped. With --image, the same of a container image read in place (nothing extracted).

Works without root and without a GPU: a section that cannot be read says why, and the command still exits 0.`
  static override examples = [
    '<%= config.bin %> inventory',
    '<%= config.bin %> inventory --models /srv/models --models /data/llm',
    '<%= config.bin %> inventory --skip-models --json',
    '<%= config.bin %> inventory --inactive-days 30',
    '<%= config.bin %> inventory --root /mnt/image --json',
    '<%= config.bin %> inventory --image vllm.tar --json',
  ]
  static override flags = {
    models: Flags.string({
      description: 'Another directory (or file) to search for model files; repeatable.',
      multiple: true,
    }),
    'skip-models': Flags.boolean({description: 'Do not walk model directories.'}),
    'inactive-days': Flags.integer({
      description:
        'A model file no running inference service names and not read or written for this many days is listed as inactive.',
      min: 1,
      max: 3650,
      default: 90,
    }),
    root: Flags.string({
      description:
        'Inventory a mounted root filesystem or unpacked image offline; GPUs, processes and sockets are skipped.',
    }),
    image: imageFlag,
  }

  async run(): Promise<InventoryResult> {
    const {config} = await this.config_()
    const result = await withInspected(this.flags, async ({root, image}) =>
      collectInventory({
        root,
        image: image ?? undefined,
        modelDirectories: [...(config.models?.paths ?? []), ...(this.flags.models ?? [])],
        skipModels: this.flags['skip-models'],
        inactiveDays: this.flags['inactive-days'],
        onProgress: this.progress(),
      }),
    )
    this.render(renderInventory(result, this.style))
    return result
  }
}
