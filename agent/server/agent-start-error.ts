/** A reason the agent cannot start, worded as one sentence for the operator. */
export class AgentStartError extends Error {
  override name = 'AgentStartError';
}
