/**
 * A first-in first-out queue with O(1) push and shift (an array with a head
 * index, compacted as it drains), for queues that may grow large.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = []
  private head = 0

  get length(): number {
    return this.items.length - this.head
  }

  push(item: T): void {
    this.items.push(item)
  }

  peek(): T | undefined {
    return this.items[this.head]
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head]
    this.items[this.head++] = undefined
    if (this.head > 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  /** Removes and returns every item. */
  drain(): T[] {
    const out = this.items.slice(this.head) as T[]
    this.items = []
    this.head = 0
    return out
  }

  /** Removes the first item matching `match` (O(n), for cancellations); true when one was removed. */
  remove(match: (item: T) => boolean): boolean {
    for (let i = this.head; i < this.items.length; i++) {
      if (match(this.items[i] as T)) {
        this.items.splice(i, 1)
        return true
      }
    }
    return false
  }
}
