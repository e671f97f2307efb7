/**
 * A mutex over one Int32 in shared memory, for the threads that write one output file. Two
 * threads writing the same tmpfs file at once contend on the inode's lock, and the kernel spins on
 * it while the owner copies (perf: rwsem_spin_on_owner was 3.5 % of an encrypt's CPU on 2 cores);
 * this lock makes a waiting thread sleep in Atomics.wait instead.
 *
 * States: 0 free, 1 held, 2 held with waiters (the releaser then wakes one).
 */
export type WriteLock = Int32Array

export function createWriteLock(): SharedArrayBuffer {
  return new SharedArrayBuffer(4)
}

export function writeLockView(buffer: SharedArrayBuffer): WriteLock {
  return new Int32Array(buffer, 0, 1)
}

export function acquire(lock: WriteLock): void {
  let state = Atomics.compareExchange(lock, 0, 0, 1)
  if (state === 0) return
  if (state !== 2) state = Atomics.exchange(lock, 0, 2)
  while (state !== 0) {
    Atomics.wait(lock, 0, 2)
    state = Atomics.exchange(lock, 0, 2)
  }
}

export function release(lock: WriteLock): void {
  if (Atomics.sub(lock, 0, 1) === 1) return
  Atomics.store(lock, 0, 0)
  Atomics.notify(lock, 0, 1)
}

/** Runs `work` holding the lock (released on throw too). */
export function withLock<T>(lock: WriteLock | undefined, work: () => T): T {
  if (!lock) return work()
  acquire(lock)
  try {
    return work()
  } finally {
    release(lock)
  }
}
