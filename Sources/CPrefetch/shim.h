/* The compiler's prefetch builtin, which Swift cannot call: no library, nothing linked. A graph
 * search asks for the rows it will score next; unlike a load, a prefetch never waits for its
 * cache miss, so the misses of a node's whole neighbourhood are in flight at once. */
static inline void quarry_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }
