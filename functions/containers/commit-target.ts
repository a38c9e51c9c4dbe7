import { checkCommitTarget, type Checked } from '../../agent/protocol/container-fields.ts';

/**
 * `repository[:tag]` as typed in the commit form; the tag defaults to
 * `latest`. A colon before the last `/` belongs to a registry port
 * (`127.0.0.1:5000/team/app`), not to a tag.
 */
export function parseCommitTarget(text: string): Checked<{ repository: string; tag: string }> {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, message: 'Give the new image a name: repository:tag.' };
  const colon = trimmed.lastIndexOf(':');
  const hasTag = colon > trimmed.lastIndexOf('/');
  const repository = hasTag ? trimmed.slice(0, colon) : trimmed;
  const tag = hasTag ? trimmed.slice(colon + 1) : 'latest';
  const error = checkCommitTarget(repository, tag);
  return error ? { ok: false, message: error } : { ok: true, value: { repository, tag } };
}
