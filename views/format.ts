import type { ContainerPort } from '../agent/protocol/messages.ts';

/** `127.0.0.1:8080→80/tcp` for a published port, `80/tcp` for an exposed one; duplicates (IPv4 and IPv6 of one binding) once. */
export function formatPorts(ports: ContainerPort[]): string[] {
  const shown = ports.map((port) => {
    const inside = `${port.privatePort}/${port.type}`;
    if (port.publicPort === undefined) return inside;
    return `${port.ip ? `${port.ip.includes(':') ? `[${port.ip}]` : port.ip}:` : ''}${port.publicPort}→${inside}`;
  });
  return [...new Set(shown)];
}

/** The first 12 characters of a Docker id, without a `sha256:` prefix, as Docker's CLI shows it. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
