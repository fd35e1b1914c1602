/**
 * A loopback port nothing listens on right now, for tools that must be told a port before
 * they start (openssl ocsp, a spawned `depwarden serve`). Another process could take it in
 * between; the callers start at once and fail loudly if it was taken.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((done, fail) => {
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', done);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}
