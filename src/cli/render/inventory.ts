import type {InventoryResult} from '../../hardware/index.js'
import type {Style} from '../style.js'
import {formatBytes} from '../../core/format.js'
import {renderPairs, renderTable} from '../table.js'

const yesNo = (value: boolean | null | undefined) =>
  value === null || value === undefined ? '-' : value ? 'yes' : 'no'

function renderHost(result: InventoryResult, style: Style): string[] {
  const host = result.host
  if (!host) return [style.bold('Host'), '  not readable (see errors below)']
  const encrypted = host.blockDevices?.filter((d) => d.mountpoint && d.encrypted).length ?? 0
  const mounted = host.blockDevices?.filter((d) => d.mountpoint).length ?? 0
  const swap = host.swap?.length
    ? host.swap
        .map(
          (s) =>
            `${s.path} (${formatBytes(s.sizeBytes)}, encrypted: ${yesNo(s.encrypted)}${s.note ? `; ${s.note}` : ''})`,
        )
        .join(', ')
    : host.swap === null
      ? '-'
      : 'none'
  const virt = [
    host.virtualization.container && `container: ${host.virtualization.container}`,
    host.virtualization.virtual && `vm${host.virtualization.host ? `: ${host.virtualization.host}` : ''}`,
  ]
    .filter(Boolean)
    .join(', ')
  const pairs: [string, string][] = [
    ['hostname', host.hostname ?? '-'],
    [
      'os',
      [host.os.distro, host.os.release, host.os.codename && `(${host.os.codename})`].filter(Boolean).join(' ') || '-',
    ],
    ['kernel', host.os.kernel ?? '-'],
    ['cpu', host.cpu.brand ? `${host.cpu.brand}, ${host.cpu.cores} cores` : '-'],
    ['memory', formatBytes(host.memoryTotalBytes)],
    ['virtualization', virt || 'none detected'],
    ['encrypted mounts', host.blockDevices ? `${encrypted} of ${mounted}` : '-'],
    ['swap', swap],
    ['secure boot', yesNo(host.secureBoot)],
  ]
  const lines = [style.bold('Host'), renderPairs(pairs)]
  if (host.blockDevices?.length) {
    const rows = host.blockDevices.map((d) => [
      d.name,
      d.type,
      d.fsType ?? '',
      formatBytes(d.sizeBytes),
      d.mountpoint ?? '',
      d.encrypted ? 'yes' : style.yellow('no'),
    ])
    lines.push('', renderTable(rows, {head: ['device', 'type', 'fs', 'size', 'mount', 'encrypted'], indent: 2}))
  }
  return lines
}

/** The line for a section that was not collected, or null. */
function skippedLine(result: InventoryResult, section: InventoryResult['skipped'][number]['section'], style: Style) {
  const skipped = result.skipped.find((s) => s.section === section)
  return skipped ? style.dim(`  skipped: ${skipped.reason}`) : null
}

function renderGpus(result: InventoryResult, style: Style): string[] {
  const lines = [style.bold('GPUs')]
  const skipped = skippedLine(result, 'gpus', style)
  if (skipped) return [...lines, skipped]
  const {gpus, sources} = result.gpus
  if (gpus.length > 0) {
    const rows = gpus.map((g) => [
      String(g.index),
      g.name ?? '-',
      `${formatBytes(g.memoryUsedBytes)} / ${formatBytes(g.memoryTotalBytes)}`,
      [g.driverVersion, g.cudaVersion && `CUDA ${g.cudaVersion}`].filter(Boolean).join(', ') || '-',
      yesNo(g.persistenceMode),
      yesNo(g.eccEnabled),
      g.migEnabled ? `on (${g.migDevices.length})` : yesNo(g.migEnabled),
      g.source,
    ])
    lines.push(
      renderTable(rows, {
        head: ['#', 'name', 'memory used / total', 'driver', 'persist', 'ECC', 'MIG', 'source'],
        indent: 2,
      }),
    )
  } else lines.push('  no GPU found')
  for (const source of sources) {
    if (source.status === 'missing' && source.tool === 'nvidia-smi')
      lines.push(style.dim('  no NVIDIA tooling found (nvidia-smi is not on PATH)'))
    if (source.status === 'error') lines.push(style.yellow(`  ${source.tool}: ${source.message}`))
  }
  return lines
}

function renderInference(result: InventoryResult, style: Style): string[] {
  const lines = [style.bold('Inference stack')]
  const skipped = skippedLine(result, 'inference', style)
  if (skipped) return [...lines, skipped]
  const inference = result.inference
  if (!inference) return [...lines, '  not readable (see errors below)']
  if (inference.runtimes.length === 0) lines.push('  no inference runtime running')
  else {
    const rows = inference.runtimes.map((r) => [
      r.kind,
      String(r.pid),
      r.user ?? '-',
      r.listening.map((l) => `${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`).join(' ') || '-',
      r.command,
    ])
    lines.push(
      renderTable(rows, {head: ['runtime', 'pid', 'user', 'listening', 'command'], indent: 2, maxCellWidth: 70}),
    )
  }
  const tools = inference.containers.map(
    (c) => `${c.tool} ${c.installed ? (c.version ?? 'installed') : style.dim('not installed')}`,
  )
  lines.push(`  containers: ${tools.join(', ')}`)
  for (const note of inference.notes) lines.push(style.dim(`  ${note}`))
  return lines
}

function renderModels(result: InventoryResult, style: Style): string[] {
  const lines = [style.bold('Model files')]
  if (!result.models) return [...lines, skippedLine(result, 'models', style) ?? '  not readable (see errors below)']
  const {files, directories} = result.models
  if (files.length === 0) lines.push('  no model files found')
  else {
    const rows = files.map((f) => [
      f.path,
      f.format,
      formatBytes(f.sizeBytes),
      `${f.owner ?? f.uid} ${f.mode}`,
      f.worldReadable ? style.yellow('yes') : 'no',
      `${f.daysSinceAccess}d`,
    ])
    lines.push(
      renderTable(rows, {head: ['path', 'format', 'size', 'owner mode', 'world-readable', 'last access'], indent: 2}),
    )
  }
  const searched = directories.filter((d) => d.status !== 'missing').map((d) => d.path)
  lines.push(style.dim(`  searched: ${searched.length ? searched.join(', ') : 'no model directory exists'}`))
  for (const d of [...directories.filter((d) => d.status === 'error'), ...result.models.unreadable])
    lines.push(style.yellow(`  ${d.path}: ${d.reason}`))
  if (result.models.truncated) lines.push(style.yellow('  stopped at the walk limit (100,000 entries or 12 levels)'))
  const inactive = result.inactiveModels
  if (inactive?.paths.length) {
    const head = `  inactive (no running service names them, unused for ${inactive.days}+ days; judged by ${inactive.basis}):`
    lines.push(style.yellow(head))
    for (const path of inactive.paths) lines.push(`    ${path}`)
  }
  return lines
}

/** Renders an inventory as grouped human-readable tables. */
export function renderInventory(result: InventoryResult, style: Style): string {
  const sections = [
    ...(result.root ? [[style.bold(`Offline inventory of ${result.root}`)]] : []),
    ...(result.image ? [[style.bold(`Inventory of image ${result.image.name}, read in place`)]] : []),
    renderHost(result, style),
    renderGpus(result, style),
    renderInference(result, style),
    renderModels(result, style),
  ]
  const out = sections.map((lines) => lines.join('\n'))
  if (result.errors.length) out.push(result.errors.map((e) => style.yellow(`${e.section}: ${e.reason}`)).join('\n'))
  return `${out.join('\n\n')}\n`
}
