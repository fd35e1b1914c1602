/** The types the intel stage shares with the engine and the registry client. */
export type {
  Alert,
  Detector,
  RegistryView,
  VersionView,
  InventoryEntry,
  IntelOptions,
} from '../analyzer/kit.js';
export type { Packument, PackumentVersion } from '../registry/packument.js';
