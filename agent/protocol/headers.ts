// Header names of the signed channel, in one place for both sides.
export const BERTH_HEADERS = {
  keyId: 'x-berth-key-id',
  timestamp: 'x-berth-timestamp',
  nonce: 'x-berth-nonce',
  agentId: 'x-berth-agent-id',
  actor: 'x-berth-actor',
  commandId: 'x-berth-command-id',
  signature: 'x-berth-signature',
  responseSignature: 'x-berth-response-signature',
} as const;

/** Headers every signed request must carry, in the order they are checked. */
export const REQUIRED_REQUEST_HEADERS = [
  BERTH_HEADERS.keyId,
  BERTH_HEADERS.timestamp,
  BERTH_HEADERS.nonce,
  BERTH_HEADERS.agentId,
  BERTH_HEADERS.actor,
  BERTH_HEADERS.commandId,
  BERTH_HEADERS.signature,
] as const;
