// bin/berth-agent.js as an operator runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createAgentClient } from '../../agent/client/agent-client.ts';
import { generateKeyPair } from '../../agent/protocol/keys.ts';

const BIN = join(import.meta.dirname, '../../bin/berth-agent.js');
let tmp: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'berth-agent-cli-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(tmp, { recursive: true, force: true });
});

function runAgent(args: string[]) {
  // Keep the caller's BERTH_* settings out of the test.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BERTH_')));
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd: tmp });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

describe('berth-agent command', () => {
  test('--help describes every flag', async () => {
    const { output, exited } = runAgent(['--help']);
    expect(await exited).toBe(0);
    for (const flag of ['--listen', '--docker-socket', '--key-file', '--control-plane-key', '--tls-cert', '--tls-key', '--print-public-key']) {
      expect(output.stdout).toContain(flag);
    }
  });

  test('without a control-plane key it refuses to start, in one sentence', async () => {
    const { output, exited } = runAgent(['--key-file', join(tmp, 'a.key')]);
    expect(await exited).toBe(1);
    expect(output.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^berth-agent: The control-plane public key is required/)]);
  });

  test('without Docker it exits 1 with one sentence and no stack trace', async () => {
    const { publicKey } = await generateKeyPair();
    const { output, exited } = runAgent([
      `--control-plane-key=${publicKey.encoded}`, '--key-file', join(tmp, 'b.key'), '--docker-socket', join(tmp, 'none.sock'),
    ]);
    expect(await exited).toBe(1);
    expect(output.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^berth-agent: No Docker socket at /)]);
  });

  test('--print-public-key prints the same key the running agent uses', async () => {
    const keyFile = join(tmp, 'agent.key');
    const printed = runAgent(['--print-public-key', '--key-file', keyFile]);
    expect(await printed.exited).toBe(0);
    const publicKey = printed.output.stdout.trim();
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const controlPlane = await generateKeyPair();
    // `=`: a base64url key may start with "-", which would read as another flag.
    const agent = runAgent(['--listen', '127.0.0.1:0', '--key-file', keyFile, `--control-plane-key=${controlPlane.publicKey.encoded}`]);
    await vi.waitFor(() => expect(agent.output.stdout, agent.output.stderr).toMatch(/agent public key: \S+\n/), { timeout: 30_000 });
    expect(agent.output.stdout).toContain(`agent public key: ${publicKey}`);
    const url = /listening on (\S+)/.exec(agent.output.stdout)?.[1] ?? '';

    const client = createAgentClient({ privateKey: controlPlane.privateKey, publicKey: controlPlane.publicKey.encoded, clock: Date.now });
    expect(await client.forHost({ url, agentPublicKey: publicKey }, 'system').info()).toMatchObject({ ok: true });

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });
});
