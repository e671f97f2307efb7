/** `llmsec vulns`: installed packages of a system against advisories (OSV) and its security lists. */
export {scanVulnerabilities, type VulnIgnore} from './engine.js'
export {loadAdvisoryDb} from './db.js'
export type * from './vulns.types.js'
export {findServerAdvisories} from './servers.js'
export {renderVulnSarif} from './sarif.js'
export {renderVulnMetrics} from './prometheus.js'
