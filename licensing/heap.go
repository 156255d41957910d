package licensing

// heapOrder orders the elements of an indexedHeap and records each element's
// position in it, so that an element can be fixed or removed in O(log n)
// without a search. Implementations are zero-size types.
type heapOrder[T any] interface {
	less(a, b T) bool
	setIndex(x T, i int)
}

// indexedHeap is a binary min-heap whose elements know their index. The
// engine keeps its indexes in such heaps instead of rescanning users or
// recordings.
type indexedHeap[T any, O heapOrder[T]] struct {
	items []T
}

func (h *indexedHeap[T, O]) len() int { return len(h.items) }

// min returns the least element; the heap must not be empty.
func (h *indexedHeap[T, O]) min() T { return h.items[0] }

func (h *indexedHeap[T, O]) push(x T) {
	var o O
	h.items = append(h.items, x)
	o.setIndex(x, len(h.items)-1)
	h.up(len(h.items) - 1)
}

// remove takes out the element at index i and marks it as out (-1).
func (h *indexedHeap[T, O]) remove(i int) {
	var o O
	last := len(h.items) - 1
	x := h.items[i]
	if i != last {
		h.swap(i, last)
	}
	var zero T
	h.items[last] = zero
	h.items = h.items[:last]
	o.setIndex(x, -1)
	if i != last {
		h.fix(i)
	}
}

// fix restores the heap order after the key of the element at i changed.
func (h *indexedHeap[T, O]) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

// clear empties the heap, marking every element as out.
func (h *indexedHeap[T, O]) clear() {
	var o O
	var zero T
	for i, x := range h.items {
		o.setIndex(x, -1)
		h.items[i] = zero
	}
	h.items = h.items[:0]
}

func (h *indexedHeap[T, O]) swap(i, j int) {
	var o O
	h.items[i], h.items[j] = h.items[j], h.items[i]
	o.setIndex(h.items[i], i)
	o.setIndex(h.items[j], j)
}

func (h *indexedHeap[T, O]) up(i int) {
	var o O
	for i > 0 {
		p := (i - 1) / 2
		if !o.less(h.items[i], h.items[p]) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

// down sifts the element at i down and reports whether it moved.
func (h *indexedHeap[T, O]) down(i int) bool {
	var o O
	start, n := i, len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && o.less(h.items[r], h.items[l]) {
			c = r
		}
		if !o.less(h.items[c], h.items[i]) {
			break
		}
		h.swap(i, c)
		i = c
	}
	return i > start
}
