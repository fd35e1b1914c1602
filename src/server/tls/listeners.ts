/**
 * The HTTPS listeners of one server process (the main origin and the user-content origin)
 * and the certificate they share. It makes each https.Server with the TLS policy, answers
 * OCSP requests from the stapler's cache, and swaps the certificate on every listener at once
 * on reload (SIGHUP) without touching open connections: setSecureContext changes what new
 * handshakes get, and connections already made keep theirs. A reload that reads a bad pair
 * keeps the current one and says why in one line.
 *
 * With the local CA, the same reload runs twice a day, so a long-running server renews its
 * leaf before it ends.
 */
import https from 'node:https';
import type { FastifyServerFactory } from 'fastify';
import { ensureLocalCertificate, type LocalCertificate } from './local-ca.js';
import { loadTlsMaterial, type LoadedTlsMaterial } from './material.js';
import { OcspStapler, type OcspOptions } from './ocsp.js';
import { hardenTlsServer, tlsServerOptions } from './policy.js';

export type TlsSource =
  { kind: 'files'; certPath: string; keyPath: string } | { kind: 'local'; dataDir: string };

export interface TlsListenersOptions {
  /** One line per event (reloads, refusals, OCSP trouble). */
  log?: (line: string) => void;
  /** OCSP stapling options, or false for none. */
  ocsp?: Omit<OcspOptions, 'log'> | false;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often a local CA's leaf is checked for renewal. */
const LOCAL_RENEWAL_CHECK_MS = DAY_MS / 2;
/** A configured certificate this close to its end is mentioned at start and on reload. */
const EXPIRY_WARNING_DAYS = 14;

async function readSource(
  source: TlsSource,
): Promise<{ material: LoadedTlsMaterial; local?: LocalCertificate }> {
  if (source.kind === 'files')
    return { material: await loadTlsMaterial(source.certPath, source.keyPath) };
  const local = await ensureLocalCertificate(source.dataDir);
  return { material: await loadTlsMaterial(local.certPath, local.keyPath), local };
}

export class TlsListeners {
  readonly source: TlsSource;
  /** With the local CA: where its files are, and whether this start made the CA. */
  readonly local: LocalCertificate | undefined;
  private current: LoadedTlsMaterial;
  private currentStapler: OcspStapler | undefined;
  private readonly servers = new Set<https.Server>();
  private readonly log: (line: string) => void;
  private readonly ocsp: Omit<OcspOptions, 'log'> | false;
  private renewalTimer: NodeJS.Timeout | undefined;

  private constructor(
    source: TlsSource,
    material: LoadedTlsMaterial,
    local: LocalCertificate | undefined,
    options: TlsListenersOptions,
  ) {
    this.source = source;
    this.current = material;
    this.local = local;
    this.log = options.log ?? (() => undefined);
    this.ocsp = options.ocsp ?? {};
    this.currentStapler = this.stapleFor(material);
    this.warnIfEnding(material);
    if (source.kind === 'local') {
      this.renewalTimer = setInterval(() => void this.reload(), LOCAL_RENEWAL_CHECK_MS);
      this.renewalTimer.unref();
    }
  }

  /** Reads (or, for the local CA, makes) the certificate; throws a USAGE error when unusable. */
  static async open(source: TlsSource, options: TlsListenersOptions = {}): Promise<TlsListeners> {
    const { material, local } = await readSource(source);
    return new TlsListeners(source, material, local, options);
  }

  get material(): LoadedTlsMaterial {
    return this.current;
  }

  get stapler(): OcspStapler | undefined {
    return this.currentStapler;
  }

  /** An HTTPS server with the TLS policy and the current certificate, reloaded with the rest. */
  createServer(handler?: Parameters<typeof https.createServer>[1]): https.Server {
    const server = https.createServer(tlsServerOptions(this.current), handler);
    hardenTlsServer(server);
    // Only what is cached: a handshake never waits for the responder.
    server.on(
      'OCSPRequest',
      (certificate: Buffer, _issuer: Buffer, callback: (err: Error | null, r?: Buffer) => void) =>
        callback(null, this.currentStapler?.response(certificate)),
    );
    this.servers.add(server);
    server.once('close', () => this.servers.delete(server));
    return server;
  }

  /** For Fastify's serverFactory option. */
  readonly serverFactory: FastifyServerFactory = (handler) => this.createServer(handler);

  /**
   * Reads the files again and, when they changed and are usable, serves them on every
   * listener from the next handshake on. Returns false (and logs why) when the new files are
   * refused; the current certificate stays.
   */
  async reload(): Promise<boolean> {
    let next: LoadedTlsMaterial;
    let local: LocalCertificate | undefined;
    try {
      ({ material: next, local } = await readSource(this.source));
    } catch (err) {
      this.log(
        `TLS reload refused, still serving the current certificate: ${(err as Error).message}`,
      );
      return false;
    }
    if (next.cert.equals(this.current.cert) && next.key.equals(this.current.key)) return true;
    const options = tlsServerOptions(next);
    for (const server of this.servers) server.setSecureContext(options);
    this.currentStapler?.stop();
    this.current = next;
    this.currentStapler = this.stapleFor(next);
    this.log(
      `TLS certificate reloaded from ${next.certPath} (valid until ${next.validTo.toISOString()})`,
    );
    if (local?.created === true)
      this.log(
        `made a new local CA (the old one was ending or unreadable); clients must trust ${local.caPath} from now on`,
      );
    this.warnIfEnding(next);
    return true;
  }

  /** Stops the timers (renewal checks, OCSP refreshes); the servers are closed by their owners. */
  close(): void {
    if (this.renewalTimer !== undefined) clearInterval(this.renewalTimer);
    this.renewalTimer = undefined;
    this.currentStapler?.stop();
  }

  private stapleFor(material: LoadedTlsMaterial): OcspStapler | undefined {
    if (this.ocsp === false) return undefined;
    const stapler = OcspStapler.forChain(material.chain, { ...this.ocsp, log: this.log });
    stapler?.start();
    return stapler;
  }

  private warnIfEnding(material: LoadedTlsMaterial): void {
    if (this.source.kind === 'local') return;
    const days = (material.validTo.getTime() - Date.now()) / DAY_MS;
    if (days < EXPIRY_WARNING_DAYS)
      this.log(
        `the TLS certificate ${material.certPath} expires in ${Math.max(0, Math.floor(days))} days (${material.validTo.toISOString()}): renew it and send SIGHUP`,
      );
  }
}
