import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { visibleSlice } from '../virtual';

/**
 * A list of any length of which only the rows in view (and a few around them) are in the page.
 * The page itself scrolls; rows have one height. Each row says its place in the whole list
 * (aria-setsize, aria-posinset), so assistive technology can tell how long it is.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  render,
  label,
  keyOf,
  onRange,
}: {
  items: T[];
  rowHeight: number;
  render: (item: T, index: number) => ComponentChildren;
  label: string;
  keyOf: (item: T) => string;
  onRange?: (first: number, last: number) => void;
}) {
  const ref = useRef<HTMLUListElement>(null);
  const [view, setView] = useState({ scrollTop: 0, height: typeof window === 'undefined' ? 800 : window.innerHeight });

  useLayoutEffect(() => {
    const measure = () => {
      const el = ref.current;
      if (!el) return;
      const top = el.getBoundingClientRect().top;
      setView({ scrollTop: -top, height: window.innerHeight });
    };
    measure();
    let frame = 0;
    const onScroll = () => {
      if (!frame) {
        frame = window.requestAnimationFrame(() => {
          frame = 0;
          measure();
        });
      }
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll);
    return () => {
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
      if (frame) window.cancelAnimationFrame(frame);
    };
  }, []);

  const slice = visibleSlice(items.length, rowHeight, view.scrollTop, view.height);
  useEffect(() => {
    onRange?.(slice.first, slice.last);
  }, [slice.first, slice.last, items, onRange]);

  const rows: ComponentChildren[] = [];
  for (let i = slice.first; i < slice.last; i++) {
    const item = items[i];
    rows.push(
      <li
        key={keyOf(item)}
        class="vrow"
        aria-setsize={items.length}
        aria-posinset={i + 1}
        style={{ transform: `translateY(${i * rowHeight}px)`, height: `${rowHeight}px` }}
      >
        {render(item, i)}
      </li>,
    );
  }
  return (
    <ul class="vlist" ref={ref} aria-label={label} style={{ height: `${slice.total}px` }}>
      {rows}
    </ul>
  );
}
