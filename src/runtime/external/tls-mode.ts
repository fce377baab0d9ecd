import type { EndpointAccess } from '../endpoint.js';

/** TLS for an http(s) URL: https verifies the certificate, as every HTTP client does by default. */
export function httpTls(url: URL): EndpointAccess['tls'] {
  return url.protocol === 'https:' ? 'verify' : 'off';
}

/** The hostname a socket client wants: `[::1]` in a URL is `::1` to net.connect. */
export function socketHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
