/**
 * Alerts: what depwarden can report about a dependency. For now only the catalogue of type
 * names (see types.ts); detectors, severities and the typed catalogue come later.
 */
export { DEPWARDEN_ALERT_TYPES, KNOWN_ALERT_TYPES, isKnownAlertType } from './types.js';
