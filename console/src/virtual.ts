/**
 * Which rows of a long list to draw: those in view plus {@link overscan} on each side. Rows have
 * one height, so the list is a tall box and each drawn row is placed at index × height.
 */
export interface Slice {
  first: number;
  last: number; // exclusive
  offset: number;
  total: number;
}

export function visibleSlice(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan = 4,
): Slice {
  const total = count * rowHeight;
  if (count === 0 || rowHeight <= 0) {
    return { first: 0, last: 0, offset: 0, total: 0 };
  }
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, total - viewportHeight)));
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((top + Math.max(viewportHeight, rowHeight)) / rowHeight) + overscan);
  return { first, last, offset: first * rowHeight, total };
}
