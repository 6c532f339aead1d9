// Module resolve hook of bin/omechat-dev.js: the same as `node --conditions=source`, which a
// running process cannot add to itself. Package exports list "source" (src/*.ts) before dist.
export async function resolve(specifier, context, nextResolve) {
  if (context.conditions?.includes('source')) return nextResolve(specifier, context);
  return nextResolve(specifier, { ...context, conditions: ['source', ...(context.conditions ?? [])] });
}
