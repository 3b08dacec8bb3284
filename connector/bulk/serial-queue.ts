/**
 * Runs tasks one after another in the order given, whoever calls: rows and sessions are
 * settled side by side, but their checkpoints must not interleave (a STATE's record count
 * belongs to the records before it). A failed task fails its caller only; the queue goes on.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
