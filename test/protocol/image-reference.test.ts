import { describe, expect, it } from 'vitest';
import {
  formatImageReference,
  isImageId,
  parseImageReference,
  parseTagReference,
  type ImageReference,
} from '../../agent/protocol/image-reference.ts';

const sha = (char: string) => char.repeat(64);
const digest = `sha256:${sha('a')}`;

type Parsed = Pick<ImageReference, 'domain' | 'path' | 'repository' | 'tag' | 'digest'>;

const valid: [string, Parsed][] = [
  ['busybox', { domain: null, path: 'busybox', repository: 'busybox', tag: 'latest', digest: null }],
  ['busybox:1.36', { domain: null, path: 'busybox', repository: 'busybox', tag: '1.36', digest: null }],
  ['berth-test/busybox:latest', { domain: null, path: 'berth-test/busybox', repository: 'berth-test/busybox', tag: 'latest', digest: null }],
  // The colon after a port is not a tag; a missing tag means latest.
  ['localhost:5000/a/b', { domain: 'localhost:5000', path: 'a/b', repository: 'localhost:5000/a/b', tag: 'latest', digest: null }],
  [
    '127.0.0.1:5000/berth-test/busybox',
    { domain: '127.0.0.1:5000', path: 'berth-test/busybox', repository: '127.0.0.1:5000/berth-test/busybox', tag: 'latest', digest: null },
  ],
  [
    '127.0.0.1:5000/berth-test/busybox:v2',
    { domain: '127.0.0.1:5000', path: 'berth-test/busybox', repository: '127.0.0.1:5000/berth-test/busybox', tag: 'v2', digest: null },
  ],
  ['localhost/app', { domain: 'localhost', path: 'app', repository: 'localhost/app', tag: 'latest', digest: null }],
  ['registry:5000/app', { domain: 'registry:5000', path: 'app', repository: 'registry:5000/app', tag: 'latest', digest: null }],
  ['Registry.Example.com/team/app:1', { domain: 'Registry.Example.com', path: 'team/app', repository: 'Registry.Example.com/team/app', tag: '1', digest: null }],
  ['[::1]:5000/app:x', { domain: '[::1]:5000', path: 'app', repository: '[::1]:5000/app', tag: 'x', digest: null }],
  // The first part is a path, not a domain, without "." or ":" and other than localhost.
  ['team/app:1', { domain: null, path: 'team/app', repository: 'team/app', tag: '1', digest: null }],
  // Docker Hub's long forms are shown as Docker shows them.
  ['docker.io/library/busybox:1.36', { domain: 'docker.io', path: 'library/busybox', repository: 'busybox', tag: '1.36', digest: null }],
  ['index.docker.io/team/app', { domain: 'index.docker.io', path: 'team/app', repository: 'team/app', tag: 'latest', digest: null }],
  // Digests: no tag is implied; a tag and a digest together are kept.
  [`busybox@${digest}`, { domain: null, path: 'busybox', repository: 'busybox', tag: null, digest }],
  [`busybox:1.36@${digest}`, { domain: null, path: 'busybox', repository: 'busybox', tag: '1.36', digest }],
  [`127.0.0.1:5000/x@${digest}`, { domain: '127.0.0.1:5000', path: 'x', repository: '127.0.0.1:5000/x', tag: null, digest }],
  [`x@sha512:${'b'.repeat(128)}`, { domain: null, path: 'x', repository: 'x', tag: null, digest: `sha512:${'b'.repeat(128)}` }],
  // Separators: ".", "_", "__", any run of "-".
  ['a.b_c__d---e', { domain: null, path: 'a.b_c__d---e', repository: 'a.b_c__d---e', tag: 'latest', digest: null }],
  ['x:_Tag.With-Caps', { domain: null, path: 'x', repository: 'x', tag: '_Tag.With-Caps', digest: null }],
  // A bare name whose tag looks like a port is a tag (there is no "/").
  ['localhost:5000', { domain: null, path: 'localhost', repository: 'localhost', tag: '5000', digest: null }],
  // The longest names without a registry: Docker counts them as docker.io/library/… and docker.io/….
  [`${'a'.repeat(237)}`, { domain: null, path: 'a'.repeat(237), repository: 'a'.repeat(237), tag: 'latest', digest: null }],
  [`team/${'a'.repeat(240)}`, { domain: null, path: `team/${'a'.repeat(240)}`, repository: `team/${'a'.repeat(240)}`, tag: 'latest', digest: null }],
  [`x:${'t'.repeat(128)}`, { domain: null, path: 'x', repository: 'x', tag: 't'.repeat(128), digest: null }],
];

/** Each invalid input and a fragment the message must contain: what is wrong, named. */
const invalid: [string, string][] = [
  ['', 'Enter an image reference'],
  [' ', 'whitespace'],
  ['busy box', 'whitespace'],
  ['busybox\t', 'whitespace'],
  ['a:b:c', '"b:c" is not a valid tag'],
  ['UPPER/x', '"UPPER" has capital letters'],
  ['team/App', '"App" has capital letters'],
  ['127.0.0.1:5000/Berth/busybox', '"Berth" has capital letters'],
  ['x@sha256:short', 'may only contain hex digits'],
  ['x@sha256:abc', 'A sha256 digest has 64 hex digits; "abc" has 3'],
  [`x@sha256:${'A'.repeat(64)}`, 'lowercase hex'],
  [`x@md5:${'a'.repeat(32)}`, 'algorithm "md5" is not supported'],
  ['x@', 'digest after "@" is empty'],
  [`x@${sha('a')}`, 'must be algorithm:hex'],
  [`x@sha256:${sha('a')}@sha256:${sha('b')}`, 'may only contain hex digits'],
  ['a'.repeat(300), 'at most'],
  [`registry.example.com/${'a'.repeat(240)}`, 'The repository name is 261 characters long; Docker allows at most 255'],
  ['a'.repeat(238), 'The repository name is 256 characters long as Docker counts it (docker.io/library/…); Docker allows at most 255'],
  [`team/${'a'.repeat(241)}`, 'The repository name is 256 characters long as Docker counts it (docker.io/…); Docker allows at most 255'],
  ['-x', '"-x" must start and end with a lowercase letter or digit'],
  ['x-', '"x-" must start and end'],
  ['x..y', '"x..y" has separators in a row'],
  ['x___y', '"x___y" has separators in a row'],
  ['x._y', 'separators in a row'],
  ['a//b', 'empty part'],
  ['a/', 'empty part'],
  ['/a', 'empty part'],
  ['x:', 'tag after ":" is empty'],
  ['x:.tag', '".tag" is not a valid tag'],
  [`x:${'t'.repeat(129)}`, 'The tag is 129 characters long'],
  ['x:t@g', 'must be algorithm:hex'],
  ['café', 'contains "é"'],
  ['a$b', 'contains "$"'],
  ['127.0.0.1:5000/', 'repository name after "127.0.0.1:5000/" is missing'],
  ['127.0.0.1:99999/x', 'registry port "99999"'],
  ['127.0.0.1:abc/x', 'registry port "abc"'],
  ['127.0.0.1:/x', 'registry port ""'],
  [':5000/x', 'has no host name before its port'],
  ['-bad-.example.com/x', 'registry host "-bad-.example.com" is not a valid host name'],
  ['a..b.com/x', 'registry host "a..b.com"'],
  ['[zz]:5000/x', 'not a valid bracketed IPv6 address'],
  [sha('c'), 'is an image id, not a reference'],
  [`sha256:${sha('c')}`, 'is an image id, not a reference'],
  [':tag', 'repository name is missing'],
];

describe('parseImageReference', () => {
  it.each(valid)('parses %s', (input, expected) => {
    const result = parseImageReference(input);
    expect(result).toEqual({ ok: true, reference: expected });
  });

  it.each(invalid)('refuses %j, naming what is wrong', (input, fragment) => {
    const result = parseImageReference(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(fragment);
  });

  it('takes linear time on long hostile input (no regex backtracking blow-up)', () => {
    const started = performance.now();
    for (const input of ['a'.repeat(250) + '!', 'a-'.repeat(120) + '!', `${'a.'.repeat(120)}-com:1/x`, '_'.repeat(500)]) {
      expect(parseImageReference(input).ok).toBe(false);
    }
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('formats a parsed reference back in Docker short form', () => {
    const text = (input: string) => {
      const result = parseImageReference(input);
      if (!result.ok) throw new Error(result.message);
      return formatImageReference(result.reference);
    };
    expect(text('127.0.0.1:5000/berth-test/busybox')).toBe('127.0.0.1:5000/berth-test/busybox:latest');
    expect(text('docker.io/library/busybox:1.36')).toBe('busybox:1.36');
    expect(text(`busybox:1@${digest}`)).toBe(`busybox:1@${digest}`);
    expect(text(`busybox@${digest}`)).toBe(`busybox@${digest}`);
  });
});

describe('parseTagReference', () => {
  it('accepts repository[:tag] and refuses a digest', () => {
    expect(parseTagReference('team/app')).toMatchObject({ ok: true, reference: { repository: 'team/app', tag: 'latest' } });
    const withDigest = parseTagReference(`team/app@${digest}`);
    expect(withDigest.ok).toBe(false);
    if (!withDigest.ok) expect(withDigest.message).toContain('a tag is repository:tag without one');
  });
});

describe('isImageId', () => {
  it.each([
    [`sha256:${sha('0')}`, true],
    [sha('0'), false],
    [`sha256:${sha('A')}`, false],
    [`sha256:${'0'.repeat(63)}`, false],
    ['busybox', false],
  ])('%s → %s', (value, expected) => {
    expect(isImageId(value)).toBe(expected);
  });
});
