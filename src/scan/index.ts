export {detectModelFormat, DETECT_HEAD_BYTES, isPickleBased, zipEntryNames} from './detect.js'
export type {ModelFormat} from './detect.js'
export {CODES, type FindingCode} from './codes.js'
export {ALLOW_GROUPS, isAllowlisted, type AllowGroup} from './allowlist.js'
export {classifyGlobal, isDangerous, type GlobalClass} from './dangerous.js'
export {walkPickle, type PickleWalk} from './pickle.js'
export {
  DEFAULT_FILE_TIMEOUT_MS,
  scanBuffer,
  scanFile,
  scanPaths,
  type FileScanOptions,
  type ScanOptions,
} from './scan.js'
export {MAX_FILE_MEMORY_BYTES, scanInRoot, type RootScanOptions} from './scan-root.js'
export {exitCodeFor, type ScanExitPolicy} from './policy.js'
export {renderScanMetrics} from './prometheus.js'
export type {
  Allowance,
  FileReport,
  Finding,
  ScanFormat,
  ScanResult,
  ScanSummary,
  Severity,
  Verdict,
} from './scan.types.js'
