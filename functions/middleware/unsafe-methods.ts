const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for the methods that may change state (POST, PUT, PATCH, DELETE, and any other). */
export function isUnsafeMethod(method: string): boolean {
  return !safeMethods.has(method.toUpperCase());
}
