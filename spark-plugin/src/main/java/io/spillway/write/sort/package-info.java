/**
 * The serialized path's in-memory sort: packed record pointers, the radix sort by partition, and
 * the page sorter that copies serialized records into memory pages.
 */
package io.spillway.write.sort;
