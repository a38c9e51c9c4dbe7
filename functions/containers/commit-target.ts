import type { Checked } from '../../agent/protocol/container-fields.ts';
import { parseTagReference } from '../../agent/protocol/image-reference.ts';

/**
 * `repository[:tag]` as typed in the commit form, by Docker's reference
 * grammar; the tag defaults to `latest`. A colon after a registry host is its
 * port (`127.0.0.1:5000/team/app`), not a tag.
 */
export function parseCommitTarget(text: string): Checked<{ repository: string; tag: string }> {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, message: 'Give the new image a name: repository:tag.' };
  const parsed = parseTagReference(trimmed);
  if (!parsed.ok) return parsed;
  const { domain, path, tag } = parsed.reference;
  return { ok: true, value: { repository: domain === null ? path : `${domain}/${path}`, tag: tag ?? 'latest' } };
}
