/**
 * networkAccess: code that can talk to the network: Node's network modules, the popular HTTP
 * clients, and the web globals (fetch, XMLHttpRequest, WebSocket, sendBeacon). A capability,
 * not a verdict: correlation decides whether what is sent is someone's secrets.
 */
import { at, defineDetector, reportModuleLoads } from '../../analyzer/kit.js';

const MODULES = new Set([
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dgram',
  'dns',
  'dns/promises',
  'undici',
  'axios',
  'node-fetch',
  'got',
  'request',
  'ws',
  'superagent',
  'needle',
  'phin',
  'cross-fetch',
  'isomorphic-fetch',
  'socket.io-client',
  'ky',
  'make-fetch-happen',
]);
const GLOBALS = new Set([
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'EventSource',
  'navigator.sendBeacon',
  'globalThis.fetch',
  'window.fetch',
]);

export const detector = defineDetector({
  meta: {
    id: 'networkAccess',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Network access',
    description: 'The code loads a network module or calls a network API.',
  },
  js(file, facts, report) {
    reportModuleLoads(file, facts, report, MODULES, ['network']);
    for (const c of facts.calls) {
      // A module's own API is `module.x`: the root before the first dot, when there is a dot.
      const dot = c.callee.indexOf('.');
      const root = dot === -1 ? c.callee : c.callee.slice(0, dot);
      if (GLOBALS.has(c.callee) || (dot !== -1 && MODULES.has(root))) {
        report({
          message: `calls ${c.callee}`,
          evidence: [at(file, c.start, c.end)],
          props: { module: root, signals: ['network'] },
        });
      }
    }
  },
});
