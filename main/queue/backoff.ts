// Retry delays: exponential with "equal jitter" (half fixed, half random), so a burst of items
// failing together (a remote API down) does not come back as a burst. The same rule BullMQ
// applies with `{type: 'exponential', jitter: 0.5}`.

export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(exp / 2 + random() * (exp / 2));
}
