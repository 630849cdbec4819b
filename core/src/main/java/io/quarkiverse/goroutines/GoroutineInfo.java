package io.quarkiverse.goroutines;

/**
 * The goroutine running the calling code, as {@link Go#current()} sees it.
 *
 * @param id the G's id
 * @param state its state ({@code RUNNING} unless inside {@link Go#syscall})
 * @param p the id of the P it holds, or -1 while it holds none
 * @param m the id of its M
 * @param thread the name of its M's thread
 * @param scheduler the name of its scheduler
 * @param virtual whether the G is a virtual thread (virtual mode); {@code thread} then names its carrier M
 */
public record GoroutineInfo(long id, String state, int p, long m, String thread, String scheduler, boolean virtual) {
}
