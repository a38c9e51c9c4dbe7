/** The response body with hono/jsx's entity escapes decoded, for asserting on messages. */
export async function textOf(response: Response): Promise<string> {
  const entities: Record<string, string> = { '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };
  return (await response.text()).replace(/&(quot|#39|lt|gt|amp);/g, (entity) => entities[entity] ?? entity);
}
