import {describeError} from '../core/errors.js'
import {runTool} from '../core/exec.js'
import {parseAmdSmiStatic, parseRocmSmi} from './amd.js'
import type {GpuInfo, GpuSection} from './gpu.types.js'
import {MAX_NVIDIA_XML_BYTES} from './nvidia-limits.js'
import {pciDisplayControllers} from './pci.js'
import {append} from '../core/arrays.js'

type SourceEntry = GpuSection['sources'][number]

async function fromTool(
  tool: string,
  args: string[],
  parse: (text: string) => GpuInfo[] | Promise<GpuInfo[]>,
): Promise<{gpus: GpuInfo[]; source: SourceEntry}> {
  const result = await runTool(tool, args, {timeoutMs: 15_000, maxBuffer: MAX_NVIDIA_XML_BYTES})
  if (result.status === 'missing') return {gpus: [], source: {tool, status: 'missing', message: `${tool} not found`}}
  if (result.status !== 'ok') return {gpus: [], source: {tool, status: 'error', message: result.reason}}
  try {
    return {gpus: await parse(result.stdout), source: {tool, status: 'ok'}}
  } catch (error) {
    return {
      gpus: [],
      source: {tool, status: 'error', message: `${tool} output could not be parsed: ${describeError(error)}`},
    }
  }
}

/**
 * Collects GPUs from nvidia-smi, then amd-smi or rocm-smi, and falls back to the OS's list of
 * display controllers on the PCI bus (sysfs) when no vendor tool answered. Never throws: failures are
 * recorded in `sources`.
 */
export async function collectGpus(): Promise<GpuSection> {
  const [nvidia, amd] = await Promise.all([
    // The XML parser (fast-xml-parser) is loaded only when nvidia-smi answered.
    fromTool('nvidia-smi', ['-q', '-x'], async (xml) => (await import('./nvidia.js')).parseNvidiaSmiXml(xml)),
    fromTool('amd-smi', ['static', '--json'], parseAmdSmiStatic),
  ])
  const sources = [nvidia.source, amd.source]
  const gpus = [...nvidia.gpus, ...amd.gpus]
  if (amd.source.status !== 'ok') {
    const rocm = await fromTool(
      'rocm-smi',
      ['--showproductname', '--showbus', '--showmeminfo', 'vram', '--json'],
      parseRocmSmi,
    )
    sources.push(rocm.source)
    append(gpus, rocm.gpus)
  }
  if (!sources.some((s) => s.status === 'ok')) {
    try {
      const found = await pciDisplayControllers()
      // Vendor tools failed rather than being absent: keep the error, add what the OS sees.
      append(
        gpus,
        found.filter((g) => !gpus.some((known) => known.busId && known.busId === g.busId)),
      )
      sources.push({tool: 'pci', status: 'ok'})
    } catch (error) {
      sources.push({tool: 'pci', status: 'error', message: `cannot list /sys/bus/pci/devices: ${describeError(error)}`})
    }
  }
  return {gpus, sources}
}
