package io.quarkiverse.goroutines.scheduler;

/**
 * States of a P, with Go's values ({@code _Pidle} … {@code _Pdead}).
 *
 * <table>
 * <caption>Who may move a P out of each state</caption>
 * <tr>
 * <th>state</th>
 * <th>meaning</th>
 * <th>leaves it</th>
 * </tr>
 * <tr>
 * <td>IDLE</td>
 * <td>on the idle list, or being handed directly to an M</td>
 * <td>whoever took it off the list, under
 * the scheduler lock</td>
 * </tr>
 * <tr>
 * <td>RUNNING</td>
 * <td>owned by exactly one M</td>
 * <td>only its M; or whoever wins the CAS that detaches the M's
 * running G (sysmon, stop-the-world)</td>
 * </tr>
 * <tr>
 * <td>SYSCALL</td>
 * <td>its M is blocked; nobody owns it</td>
 * <td>by CAS only: the returning M, sysmon's retake, or
 * stop-the-world</td>
 * </tr>
 * <tr>
 * <td>GCSTOP</td>
 * <td>halted for stop-the-world; owned by the stopping thread</td>
 * <td>start-the-world</td>
 * </tr>
 * <tr>
 * <td>DEAD</td>
 * <td>beyond {@code procs}; kept for reuse</td>
 * <td>a resize that grows</td>
 * </tr>
 * </table>
 */
public enum PStatus {
    IDLE,
    RUNNING,
    SYSCALL,
    GCSTOP,
    DEAD;

    private static final PStatus[] BY_ORDINAL = values();

    static PStatus ofOrdinal(int ordinal) {
        return BY_ORDINAL[ordinal];
    }
}
