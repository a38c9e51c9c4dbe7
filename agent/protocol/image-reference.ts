// Image references as Docker's distribution reference grammar defines them,
// parsed step by step so that an invalid one is refused with a sentence that
// names what is wrong. Shared by the control plane (form validation) and the
// agent (which checks again before it builds a Docker request).
//
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [ domain "/" ] path          (at most 255 characters)
//   domain    := host [ ":" port ]            (host: DNS name, IPv4, or [IPv6])
//   path      := component ( "/" component )*
//   component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//   tag       := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//   digest    := algorithm ":" hex            (sha256: 64, sha384: 96, sha512: 128 lowercase hex)
//
// The first component is the domain only when it contains "." or ":" or is
// `localhost` (Docker's rule), so the colon of `registry:5000/app` is a port,
// not a tag. Docker also takes an uppercase first component for a registry
// host; Berth refuses it instead, since a dotless, portless host with
// capitals is almost always a mistyped repository name.
//
// Every pattern below is anchored and unambiguous (no nested repetition that
// can match the same text two ways), so a long hostile input costs linear
// time; lengths are checked before the patterns run.

export interface ImageReference {
  /** Registry `host[:port]` as written, or null for Docker Hub. */
  domain: string | null;
  /** Repository path, e.g. `berth-test/busybox`. */
  path: string;
  /** `[domain/]path` in Docker's short form (what `docker images` shows). */
  repository: string;
  /** The tag; `latest` when neither a tag nor a digest was given; null for a digest-only reference. */
  tag: string | null;
  /** `algorithm:hex`, or null. */
  digest: string | null;
}

export type ImageReferenceResult = { ok: true; reference: ImageReference } | { ok: false; message: string };

export const DEFAULT_TAG = 'latest';
/** Docker's limit on the whole name (domain and path). */
export const MAX_NAME_LENGTH = 255;
const MAX_TAG_LENGTH = 128;
/** Longest input looked at: the longest name, a tag and a sha512 digest with separators. */
const MAX_REFERENCE_LENGTH = MAX_NAME_LENGTH + 1 + MAX_TAG_LENGTH + 1 + 7 + 128;

const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
const HEX_64 = /^[0-9a-f]{64}$/;
const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const IPV6_HOST = /^\[[0-9a-fA-F:.]+\]$/;
const PORT = /^[0-9]{1,5}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const WHITESPACE = /\s/;

const EXAMPLE = 'e.g. busybox, busybox:1.36 or 127.0.0.1:5000/team/app:1.0';

/** A full Docker image id, `sha256:` and 64 lowercase hex digits. */
export function isImageId(value: string): boolean {
  return IMAGE_ID.test(value);
}

/**
 * Parses `[domain/]path[:tag][@digest]`. A reference without tag or digest
 * gets the tag `latest`.
 *
 * @example
 * parseImageReference('127.0.0.1:5000/berth-test/busybox')
 * // { ok: true, reference: { domain: '127.0.0.1:5000', path: 'berth-test/busybox', tag: 'latest', digest: null, … } }
 */
export function parseImageReference(input: string): ImageReferenceResult {
  if (input === '') return fail(`Enter an image reference, ${EXAMPLE}.`);
  if (WHITESPACE.test(input)) return fail(`"${input}" contains a space or other whitespace, which an image reference cannot contain.`);
  if (input.length > MAX_REFERENCE_LENGTH) {
    return fail(`The image reference is ${input.length} characters long; a valid one is at most ${MAX_REFERENCE_LENGTH}.`);
  }
  if (HEX_64.test(input) || isImageId(input)) {
    return fail(`"${input}" is an image id, not a reference: give a repository name such as busybox or busybox@sha256:<digest>.`);
  }

  let rest = input;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const digestError = checkDigest(digest);
    if (digestError) return fail(digestError);
  }

  // The domain is split off first, so that its port's colon is not read as a tag.
  let domain: string | null = null;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      domain = first;
      rest = rest.slice(slash + 1);
      const domainError = checkDomain(domain);
      if (domainError) return fail(domainError);
    }
  }

  let tag: string | null = null;
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    const tagError = checkTag(tag);
    if (tagError) return fail(tagError);
  }

  const path = rest;
  const pathError = checkPath(path, domain);
  if (pathError) return fail(pathError);
  const name = domain === null ? path : `${domain}/${path}`;
  // Docker counts a name without a registry as it completes it: docker.io/[library/]path.
  const counted = domain === null ? `docker.io/${path.includes('/') ? '' : 'library/'}${path}` : name;
  if (counted.length > MAX_NAME_LENGTH) {
    const how = domain === null ? ` as Docker counts it (${counted.slice(0, counted.length - path.length)}…)` : '';
    return fail(`The repository name is ${counted.length} characters long${how}; Docker allows at most ${MAX_NAME_LENGTH}.`);
  }

  return {
    ok: true,
    reference: {
      domain,
      path,
      repository: shortRepository(domain, path),
      tag: tag ?? (digest === null ? DEFAULT_TAG : null),
      digest,
    },
  };
}

/**
 * A reference to put on an image as a new name: `repository[:tag]`, no
 * digest (a digest names content, it cannot be assigned).
 */
export function parseTagReference(input: string): ImageReferenceResult {
  const parsed = parseImageReference(input);
  if (parsed.ok && parsed.reference.digest !== null) {
    return fail(`"${input}" has a digest (@${parsed.reference.digest.split(':')[0]}:…); a tag is repository:tag without one.`);
  }
  return parsed;
}

/** The reference as text, in Docker's short form: `repository[:tag][@digest]`. */
export function formatImageReference(reference: ImageReference): string {
  return `${reference.repository}${reference.tag === null ? '' : `:${reference.tag}`}${reference.digest === null ? '' : `@${reference.digest}`}`;
}

// Docker shows Docker Hub names without `docker.io/` and official images without `library/`.
function shortRepository(domain: string | null, path: string): string {
  if (domain !== null && domain !== 'docker.io' && domain !== 'index.docker.io') return `${domain}/${path}`;
  const official = /^library\/([^/]+)$/.exec(path);
  return official ? official[1]! : path;
}

function checkDigest(digest: string): string | null {
  if (digest === '') return 'The digest after "@" is empty; write it as sha256:<64 hex digits>.';
  const colon = digest.indexOf(':');
  if (colon <= 0) return `The digest "${digest}" must be algorithm:hex, e.g. sha256:<64 hex digits>.`;
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const expected = DIGEST_HEX_LENGTH[algorithm];
  if (expected === undefined) return `The digest algorithm "${algorithm}" is not supported; use sha256, sha384 or sha512.`;
  if (!/^[0-9a-fA-F]*$/.test(hex)) return `The ${algorithm} digest "${hex}" may only contain hex digits (0-9, a-f).`;
  if (hex.length !== expected) return `A ${algorithm} digest has ${expected} hex digits; "${hex}" has ${hex.length}.`;
  if (hex !== hex.toLowerCase()) return `The ${algorithm} digest must be written in lowercase hex.`;
  return null;
}

function checkDomain(domain: string): string | null {
  let host = domain;
  const bracketEnd = domain.indexOf(']:');
  const portAt = domain.startsWith('[') ? (bracketEnd === -1 ? -1 : bracketEnd + 1) : domain.lastIndexOf(':');
  if (portAt !== -1) {
    host = domain.slice(0, portAt);
    const port = domain.slice(portAt + 1);
    if (!PORT.test(port) || Number(port) < 1 || Number(port) > 65535) {
      return `The registry port "${port}" in "${domain}" must be a number from 1 to 65535.`;
    }
  }
  if (host.startsWith('[')) {
    return IPV6_HOST.test(host) ? null : `The registry address "${host}" is not a valid bracketed IPv6 address.`;
  }
  if (host === '') return `The registry "${domain}" has no host name before its port.`;
  if (!host.split('.').every((label) => DOMAIN_LABEL.test(label))) {
    return `The registry host "${host}" is not a valid host name: use letters, digits and "-" in dot-separated parts, none empty or starting or ending with "-".`;
  }
  return null;
}

function checkTag(tag: string): string | null {
  if (tag === '') return 'The tag after ":" is empty; leave out the ":" to mean "latest".';
  if (tag.length > MAX_TAG_LENGTH) return `The tag is ${tag.length} characters long; Docker allows at most ${MAX_TAG_LENGTH}.`;
  if (!TAG.test(tag)) {
    return `"${tag}" is not a valid tag: use letters, digits, "_", "." and "-", not starting with "." or "-" (a second ":" is not allowed).`;
  }
  return null;
}

function checkPath(path: string, domain: string | null): string | null {
  if (path === '') {
    return domain === null ? `The repository name is missing, ${EXAMPLE}.` : `The repository name after "${domain}/" is missing.`;
  }
  for (const component of path.split('/')) {
    if (component === '') return `"${path}" has an empty part: no leading, trailing or double "/".`;
    if (component !== component.toLowerCase()) {
      return `Repository names must be lowercase: "${component}" has capital letters.`;
    }
    if (!PATH_COMPONENT.test(component)) return describeBadComponent(component);
  }
  return null;
}

function describeBadComponent(component: string): string {
  const bad = /[^a-z0-9._-]/.exec(component);
  if (bad) return `"${component}" contains "${bad[0]}"; repository names use lowercase letters, digits and the separators ".", "_", "__" and "-".`;
  if (/^[._-]/.test(component) || /[._-]$/.test(component)) {
    return `"${component}" must start and end with a lowercase letter or digit, not a separator.`;
  }
  return `"${component}" has separators in a row; between letters or digits use one ".", one or two "_", or dashes.`;
}

function fail(message: string): ImageReferenceResult {
  return { ok: false, message };
}
