export {parseAmdSmiStatic, parseRocmSmi} from './amd.js'
export type {GpuInfo, GpuSection, GpuSource, MigDevice} from './gpu.types.js'
export {collectGpus} from './gpus.js'
export {collectHost, parseLsblk, parseSwaps} from './host.js'
export type {BlockDevice, HostInfo, SwapArea} from './host.js'
export {collectInventory} from './inventory.js'
export type {InventoryOptions, InventoryResult, RuntimeSection} from './inventory.js'
export {defaultModelDirectories, detectFormat, findModelFiles} from './models.js'
export type {FindModelsOptions, ModelDirectory, ModelFile, ModelFormat, ModelSection} from './models.js'
export {listProcesses, redactArgv} from './processes.js'
export type {ProcessInfo} from './processes.js'
export {loginHomes, parseOsRelease, parsePasswd, readAccounts, readOsRelease} from './system-files.js'
export type {UserEntry} from './system-files.js'
export {
  boundPorts,
  isRuntimeId,
  listInferencePorts,
  mainPort,
  parseAddressSetting,
  runtimeById,
} from './runtime-config.js'
export type {BoundPort, ServiceStart} from './runtime-config.js'
export {classifyProcess, collectContainerTooling, findRuntimes} from './runtimes.js'
export type {ContainerTooling, InferenceRuntime} from './runtimes.js'
export * from './runtimes.catalog.js'
