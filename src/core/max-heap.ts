import type { Entry } from './entry.ts'

/**
 * The entries ready to dispose, newest (highest `seq`) first: with one disposer at a time this
 * is the reverse of creation wherever dependency edges allow it.
 */
export class ReadyHeap {
  readonly #items: Entry[] = []

  get length(): number {
    return this.#items.length
  }

  push(entry: Entry): number {
    const items = this.#items
    let index = items.push(entry) - 1
    while (index > 0) {
      const parent = (index - 1) >> 1
      const above = items[parent] as Entry
      if (above.seq >= entry.seq) break
      items[index] = above
      index = parent
    }
    items[index] = entry
    return items.length
  }

  pop(): Entry | undefined {
    const items = this.#items
    const top = items[0]
    const last = items.pop()
    if (top === undefined || last === undefined || items.length === 0) return top
    const size = items.length
    let index = 0
    for (;;) {
      const left = 2 * index + 1
      if (left >= size) break
      const right = left + 1
      let larger = left
      if (right < size && (items[right] as Entry).seq > (items[left] as Entry).seq) larger = right
      const child = items[larger] as Entry
      if (child.seq <= last.seq) break
      items[index] = child
      index = larger
    }
    items[index] = last
    return top
  }
}
