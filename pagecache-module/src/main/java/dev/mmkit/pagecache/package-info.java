/**
 * The page cache and its writeback daemon: the implementations behind
 * {@code mmkit.machine.page-cache.impl = radix} and {@code mmkit.machine.reclaim.writeback.impl = flusher}.
 *
 * <h2>Map of the package</h2>
 * <ul>
 *   <li>{@link dev.mmkit.pagecache.RadixTree}: {@code lib/radix-tree.c}, 64-way nodes from
 *       the {@code radix_tree_node} slab cache, DIRTY and WRITEBACK tags, gang lookups.</li>
 *   <li>{@link dev.mmkit.pagecache.FileAddressSpace}: one file's {@code address_space}
 *       ({@code mm/filemap.c}): find, add, read, write, dirty, writeback, truncate, fsync,
 *       errors.</li>
 *   <li>{@link dev.mmkit.pagecache.ReadAhead}: {@code mm/readahead.c}'s on-demand windows.</li>
 *   <li>{@link dev.mmkit.pagecache.RadixPageCache}: the files by path and id, the dirty
 *       list, reclaim's and the flusher's entry points.</li>
 *   <li>{@link dev.mmkit.pagecache.Flusher}: the flusher threads ({@code mm/page-writeback.c},
 *       {@code fs/fs-writeback.c}).</li>
 *   <li>The providers, one per implementation name.</li>
 * </ul>
 *
 * <h2>Who calls whom</h2>
 * The machine is single-threaded; what meets is re-entrance. The memory-manager core calls
 * the cache (faults, file system calls, reclaim of file pages); the cache calls the page
 * allocator and the slab allocator, either of which may reclaim and so call the cache again
 * ({@code reclaimPage}) in the middle of an operation. The cache therefore allocates before
 * it changes a tree, preloads tree nodes, never keeps a pfn across an allocation, and
 * refuses to reclaim a page it has locked. The flusher runs from clock timers, which never
 * run inside a translation; its throttling and the cost of reads advance the clock at the
 * end of a {@code write(2)} or {@code read(2)}, when nothing is half done.
 */
package dev.mmkit.pagecache;
