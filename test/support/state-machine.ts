/**
 * Checks shared by the workflow state machines (projects, workspaces, release requests): the
 * transition table written out in a test is compared with the code's, triple by triple.
 */

interface Tap {
  doesNotThrow(fn: () => unknown, message: string): void;
  throws(fn: () => unknown, message: string): void;
}

/**
 * Every (from, to, actor) triple: allowed exactly when `allowed['from→to']` names the actor
 * (one actor or a list), refused otherwise.
 */
export function checkEveryTriple<S extends string, A extends string>(
  t: Tap,
  machine: { states: readonly S[]; actors: readonly A[]; assert: (from: S, to: S, actor: A) => unknown },
  allowed: Record<string, A | readonly A[]>,
): void {
  for (const from of machine.states) {
    for (const to of machine.states) {
      for (const actor of machine.actors) {
        const who = allowed[`${from}→${to}`];
        const expected = Array.isArray(who) ? who.includes(actor) : who === actor;
        const move = () => machine.assert(from, to, actor);
        if (expected) t.doesNotThrow(move, `${actor}: ${from} → ${to}`);
        else t.throws(move, `${actor} may not move ${from} → ${to}`);
      }
    }
  }
}

/** The states reachable from `start` through the transition table, sorted. */
export function reachableFrom<S extends string>(
  transitions: Record<S, Partial<Record<S, unknown>>>,
  start: S,
): S[] {
  const reached = new Set<S>([start]);
  const queue: S[] = [start];
  for (let from = queue.shift(); from !== undefined; from = queue.shift()) {
    for (const to of Object.keys(transitions[from]) as S[]) {
      if (!reached.has(to)) {
        reached.add(to);
        queue.push(to);
      }
    }
  }
  return [...reached].sort();
}
