import { importPublicKey, KeyFormatError, type PublicKey } from '../../agent/protocol/keys.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const hostNamePattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A host name: lowercase letters, digits and dashes, 1–63 characters, not starting with a dash. */
export function checkHostName(raw: string): Checked<string> {
  const name = raw.trim();
  if (!name) return { ok: false, message: 'Give the host a name.' };
  if (!hostNamePattern.test(name)) {
    return {
      ok: false,
      message: 'A host name is 1 to 63 lowercase letters, digits and dashes, and starts with a letter or digit (e.g. build-01).',
    };
  }
  return { ok: true, value: name };
}

/**
 * The agent's address as an origin (`http(s)://host[:port]`): no path, query,
 * fragment or credentials, since the client adds the API paths itself.
 */
export function checkAgentUrl(raw: string): Checked<string> {
  const text = raw.trim();
  const example = 'e.g. http://10.0.0.5:7171 or https://build-01.example.com:7171';
  if (!text) return { ok: false, message: `Give the agent's URL (${example}).` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `The agent URL is not a URL (${example}).` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `The agent URL must start with http:// or https:// (${example}).` };
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || text.includes('?') || text.includes('#')) {
    return { ok: false, message: `The agent URL is a scheme, host and port only: no path, query or user (${example}).` };
  }
  return { ok: true, value: url.origin };
}

/** The agent's public key as it prints it at start (base64url of 32 bytes). */
export async function checkAgentKey(raw: string): Promise<Checked<PublicKey>> {
  if (!raw.trim()) return { ok: false, message: 'Paste the public key the agent printed at start ("agent public key: …").' };
  try {
    return { ok: true, value: await importPublicKey(raw) };
  } catch (error) {
    if (!(error instanceof KeyFormatError)) throw error;
    return { ok: false, message: `That is not an agent public key: ${error.message}` };
  }
}

/**
 * An optional SHA-256 certificate fingerprint to pin, as the agent prints it
 * (`TLS fingerprint: AB:CD:…`) or as `openssl x509 -fingerprint -sha256`
 * does; stored as uppercase hex pairs joined by colons. Only for https agents.
 */
export function checkTlsFingerprint(raw: string, agentUrl: string): Checked<string | null> {
  const text = raw.trim().replace(/^sha256 fingerprint=/i, '');
  if (!text) return { ok: true, value: null };
  const hex = text.replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    return { ok: false, message: 'A TLS fingerprint is the SHA-256 the agent printed at start: 32 hex pairs such as AB:CD:…' };
  }
  if (!agentUrl.startsWith('https://')) {
    return { ok: false, message: 'A TLS fingerprint is pinned for https agents only: use the https:// URL the agent printed.' };
  }
  return { ok: true, value: hex.replace(/(..)(?!$)/g, '$1:') };
}
