/** `llmsec init`: discovery of models and runtimes, and writing a valid llmsec.yaml. */
export {discoverSetup, endpointOf, type Discovered} from './discover.js'
export {buildConfig, defaultAnswers, renderConfig, writeConfig, type InitAnswers} from './config-writer.js'
export {installUnits, renderUnits, UNIT_NAMES} from './systemd-units.js'
