// A key pair kept in a file (the agent's own, or the embedded control plane's),
// generated on first start and kept across restarts, so an enrolled public key
// stays valid.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportPrivateKeyPem, generateKeyPair, importKeyPair, KeyFormatError, type KeyPair } from '../protocol/keys.ts';
import { AgentStartError } from './agent-start-error.ts';

export interface LoadedKeyPair extends KeyPair {
  /** True when this call generated the key (first start). */
  created: boolean;
}

/**
 * Reads the PKCS#8 PEM key at `path`, or creates it (file 0600, directory
 * 0700). Refuses a key file that group or others can read.
 */
export async function loadOrCreateKeyFile(path: string): Promise<LoadedKeyPair> {
  const existing = await readKeyFile(path);
  if (existing) return { ...existing, created: false };

  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const keys = await generateKeyPair();
  try {
    // 'wx' fails if another process created the file meanwhile; then use theirs.
    await writeFile(path, await exportPrivateKeyPem(keys.privateKey), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new AgentStartError(`Cannot create the key file ${path}: ${(error as Error).message}.`);
    }
    const raced = await readKeyFile(path);
    if (!raced) throw new AgentStartError(`The key file ${path} vanished while it was being created.`);
    return { ...raced, created: false };
  }
  return { ...keys, created: true };
}

async function readKeyFile(path: string): Promise<KeyPair | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AgentStartError(`Cannot read the key file ${path}: ${(error as Error).message}.`);
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    throw new AgentStartError(
      `The key file ${path} is readable by group or others (mode ${octal}); run "chmod 600 ${path}" and start again.`,
    );
  }
  try {
    return await importKeyPair(await readFile(path, 'utf8'));
  } catch (error) {
    if (error instanceof KeyFormatError) {
      throw new AgentStartError(`The key file ${path} does not hold an Ed25519 private key (${error.message}).`);
    }
    throw new AgentStartError(`Cannot read the key file ${path}: ${(error as Error).message}.`);
  }
}
