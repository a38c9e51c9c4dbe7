/** An error whose message is the whole story for the operator: printed alone, without a stack. */
export class StartupError extends Error {
  override name = 'StartupError';
}
