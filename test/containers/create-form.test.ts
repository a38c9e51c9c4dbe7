// The control plane's parsing of the create and commit forms (pure).
import { describe, expect, test } from 'vitest';
import { checkCreateContainerRequest } from '../../agent/protocol/container-fields.ts';
import { parseCommandLine } from '../../functions/containers/command-line.ts';
import { parseCommitTarget } from '../../functions/containers/commit-target.ts';
import { parseCreateForm, parseEnvLines, parsePortMapping, parseRestartPolicy } from '../../functions/containers/create-form.ts';

describe('parseCommandLine', () => {
  test.each([
    ['sh -c "echo \'a b\'"', ['sh', '-c', "echo 'a b'"]],
    ['sleep 3600', ['sleep', '3600']],
    ['  echo   spaced   words ', ['echo', 'spaced', 'words']],
    ["echo 'single \"inner\"'", ['echo', 'single "inner"']],
    ['echo "double \\"escaped\\""', ['echo', 'double "escaped"']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo "a|b" \'c > d\' \\;', ['echo', 'a|b', 'c > d', ';']],
    ["echo $'tab\\there'", ['echo', 'tab\there']],
    ['sh -c "echo $HOME"', ['sh', '-c', 'echo ${HOME}']],
    ["sh -c 'echo $HOME'", ['sh', '-c', 'echo $HOME']],
    ['echo $', ['echo', '$']],
    ['echo ""', ['echo', '']],
    ['', []],
  ])('%j → %j', (input, argv) => {
    expect(parseCommandLine(input)).toEqual({ ok: true, value: argv });
  });

  test.each([
    ['echo "abc', /unbalanced quote: the " at position 6 is never closed/],
    ["sh -c 'echo hi", /unbalanced quote: the ' at position 7/],
    ['sh -c "echo \'a b\'', /unbalanced quote: the " at position 7/],
    ["echo $'abc", /unbalanced quote/],
    ['echo abc\\', /ends with a backslash/],
    ['echo a | wc -c', /unquoted shell operator \|/],
    ['echo a > /tmp/x', /unquoted shell operator >/],
    ['echo a; rm -rf /', /unquoted shell operator ;/],
    ['echo a && b', /unquoted shell operator &&/],
    ['echo $(id)', /unquoted shell operator \(/],
    ['ls *.txt', /unquoted file pattern \(\*\.txt\)/],
    ['echo a # note', /unquoted #/],
    ['echo a\nrm x', /line break outside quotes/],
    ['echo ${}', /malformed variable/],
  ])('%j is refused with a clear message', (input, message) => {
    const result = parseCommandLine(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('control characters and text-direction overrides', () => {
  test.each([
    ['ESC typed', 'echo \u001b[2Jhidden', 'U+001B (a control character)'],
    ['\\x01 typed', 'echo a\u0001b', 'U+0001 (a control character)'],
    ['a carriage return in quotes', 'echo "a\rb"', 'U+000D (a control character)'],
    ["ESC written as $'\\e'", "echo $'\\e[31mred'", 'U+001B (a control character)'],
    ['a right-to-left override', 'echo safe\u202Etxt.exe', 'U+202E (a Unicode text-direction override)'],
    ['a first-strong isolate', 'echo \u2068x\u2069', 'U+2068 (a Unicode text-direction override)'],
    ['a C1 control', 'echo \u009bx', 'U+009B (a control character)'],
  ])('the command refuses %s with a clear message', (_, input, named) => {
    const result = parseCommandLine(input);
    expect(result).toEqual({ ok: false, message: expect.stringContaining(`The command contains ${named}; Berth refuses control characters`) });
  });

  test('the command keeps tabs and line breaks inside quotes', () => {
    expect(parseCommandLine('sh -c "echo a\n\techo b"')).toEqual({ ok: true, value: ['sh', '-c', 'echo a\n\techo b'] });
  });

  test.each([
    ['ESC in a value', 'COLOR=\u001b[31m', 'The value of the environment variable COLOR contains U+001B (a control character)'],
    ['\\x01 in a value', 'A=x\u0001', 'The value of the environment variable A contains U+0001'],
    ['a bidi override in a value', 'FILE=gpj\u202Eexe', 'contains U+202E (a Unicode text-direction override)'],
    ['a bidi isolate in a name', 'A\u2066B=1', 'An environment variable name contains U+2066'],
    ['a tab in a name', 'A\tB=1', 'An environment variable name contains U+0009'],
    ['a lone carriage return', 'A=1\rB=2', 'contains U+000D'],
  ])('env refuses %s with a clear message', (_, input, message) => {
    expect(parseEnvLines(input)).toEqual({ ok: false, message: expect.stringContaining(message) });
  });

  test('env keeps a tab in a value', () => {
    expect(parseEnvLines('SEP=a\tb')).toEqual({ ok: true, value: ['SEP=a\tb'] });
  });
});

describe('parsePortMapping (docker run -p syntax)', () => {
  test.each([
    ['80', { containerPort: 80, protocol: 'tcp' }],
    ['8080:80', { hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    ['8080:80/tcp', { hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    ['53:53/udp', { hostPort: 53, containerPort: 53, protocol: 'udp' }],
    ['127.0.0.1:8080:80', { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    ['127.0.0.1::80', { hostIp: '127.0.0.1', containerPort: 80, protocol: 'tcp' }],
    ['[::1]:8080:80/tcp', { hostIp: '::1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
  ])('%s', (input, mapping) => {
    expect(parsePortMapping(input)).toEqual({ ok: true, value: mapping });
  });

  test.each([
    ['http', /"http" is not a port number/],
    ['8080:web', /"web" is not a port number/],
    ['8000-8010:80', /port ranges are not supported/],
    ['1:2:3:4', /write \[hostIp:\]\[hostPort:\]containerPort/],
  ])('%s is refused', (input, message) => {
    const result = parsePortMapping(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('parseRestartPolicy (docker run --restart syntax)', () => {
  test.each([
    ['no', { name: 'no' }],
    ['always', { name: 'always' }],
    ['unless-stopped', { name: 'unless-stopped' }],
    ['on-failure', { name: 'on-failure' }],
    ['on-failure:5', { name: 'on-failure', maximumRetryCount: 5 }],
  ])('%s', (input, policy) => {
    expect(parseRestartPolicy(input)).toEqual({ ok: true, value: policy });
  });

  test.each(['sometimes', 'on-failure:x', 'on-failure:1:2', 'ALWAYS'])('%s is refused', (input) => {
    expect(parseRestartPolicy(input).ok).toBe(false);
  });
});

describe('parseEnvLines', () => {
  test('one KEY=value per line; blank lines are skipped; values keep = and spaces', () => {
    expect(parseEnvLines('A=1\r\n\nB=x=y z \n')).toEqual({ ok: true, value: ['A=1', 'B=x=y z '] });
  });
  test('a key given twice is refused', () => {
    expect(parseEnvLines('A=1\nA=2')).toEqual({ ok: false, message: 'The environment variable A is given twice.' });
  });
});

describe('parseCreateForm', () => {
  const image = `sha256:${'a'.repeat(64)}`;
  const extra = { labels: { 'io.berth.workspace': 'alice' }, restricted: true };
  const form = { image, command: '', name: '', env: '', ports: '', restart: 'no' };

  test('builds the request the agent expects', () => {
    const result = parseCreateForm(
      { image, command: 'sh -c "echo \'a b\'"', name: 'web-1', env: 'A=1\nB=2', ports: '8080:80\n127.0.0.1::53/udp', restart: 'on-failure:3' },
      extra,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        image,
        cmd: ['sh', '-c', "echo 'a b'"],
        name: 'web-1',
        env: ['A=1', 'B=2'],
        ports: [
          { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
          { hostIp: '127.0.0.1', containerPort: 53, protocol: 'udp' },
        ],
        restartPolicy: { name: 'on-failure', maximumRetryCount: 3 },
        ...extra,
      },
    });
    if (result.ok) expect(checkCreateContainerRequest(result.value).ok).toBe(true);
  });

  test.each([
    [{ ports: '70000:80' }, 'Host port 70000 is outside 1–65535.'],
    [{ ports: '8080:0' }, 'Container port 0 is outside 1–65535.'],
    [{ ports: '8080:65536' }, 'Container port 65536 is outside 1–65535.'],
    [{ ports: '999.1.1.1:80:80' }, '"999.1.1.1" is not an IP address.'],
    [{ name: 'a' }, /"a" is not a valid container name/],
    [{ name: '-web' }, /"-web" is not a valid container name/],
    [{ name: 'web/1' }, /"web\/1" is not a valid container name/],
    [{ env: '1BAD=x' }, /"1BAD" is not a valid environment variable name/],
    [{ env: 'NOVALUE' }, /has no "="/],
    [{ env: 'BAD-KEY=x' }, /"BAD-KEY" is not a valid environment variable name/],
    [{ env: `${'K-'.repeat(100)}=x` }, new RegExp(`^"${'K-'.repeat(32)}…" is not a valid environment variable name`)],
    [{ restart: 'always:3' }, 'A retry count only goes with on-failure, not always.'],
    [{ command: 'echo "oops' }, /unbalanced quote/],
  ])('%j is refused: %s', (fields, message) => {
    const result = parseCreateForm({ ...form, ...fields }, extra);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('parseCommitTarget', () => {
  test.each([
    ['team/app:v1', { repository: 'team/app', tag: 'v1' }],
    ['app', { repository: 'app', tag: 'latest' }],
    ['127.0.0.1:5000/team/app', { repository: '127.0.0.1:5000/team/app', tag: 'latest' }],
    ['127.0.0.1:5000/team/app:2.0_rc-1', { repository: '127.0.0.1:5000/team/app', tag: '2.0_rc-1' }],
  ])('%s', (input, target) => {
    expect(parseCommitTarget(input)).toEqual({ ok: true, value: target });
  });

  test.each([
    ['', /Give the new image a name/],
    ['Team/App:v1', /Repository names must be lowercase: "Team" has capital letters/],
    ['app:bad tag', /contains a space or other whitespace/],
    ['app:', /The tag after ":" is empty/],
    ['app:-x', /"-x" is not a valid tag/],
    ['a//b:v1', /"a\/\/b" has an empty part/],
    ['app@sha256:abc', /A sha256 digest has 64 hex digits/],
  ])('%j is refused', (input, message) => {
    const result = parseCommitTarget(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});
