/**
 * socket.yml / socket.yaml: the project's depwarden (and leading-tool compatible) settings.
 * `parseSocketConfig` reads the text strictly and reports every problem with its position;
 * the snapshot collector calls it on the root file and applies `projectIgnorePaths`.
 */
export { parseSocketConfig, type ParsedSocketConfig } from './parse.js';
export {
  defaultSocketConfig,
  type GithubAppConfig,
  type GitlabAppConfig,
  type SocketConfig,
  type AcceptedRisk,
} from './schema.js';
export { acceptanceFor, type Acceptance } from './accepted-risks.js';
export { closestMatch } from '../util/suggest.js';
