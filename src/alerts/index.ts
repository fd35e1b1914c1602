/**
 * Alerts: what depwarden can report about a dependency. types.ts holds the names (socket.yml
 * validation needs them before anything else); catalogue.ts, generated from the detectors'
 * metadata and the leading tool's catalogue, says for each type what users see and its
 * default policy action.
 */
export { DEPWARDEN_ALERT_TYPES, KNOWN_ALERT_TYPES, isKnownAlertType } from './types.js';
export { ALERT_CATALOGUE, type AlertAction, type AlertTypeInfo } from './catalogue.js';
import { ALERT_CATALOGUE, type AlertTypeInfo } from './catalogue.js';

const BY_TYPE = new Map(ALERT_CATALOGUE.map((e) => [e.type, e]));

/** The catalogue entry of an alert type; undefined for a name depwarden does not know. */
export function alertInfo(type: string): AlertTypeInfo | undefined {
  return BY_TYPE.get(type);
}
