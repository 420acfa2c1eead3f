package dev.mmkit.api.hw;

/**
 * The kind of a memory reference, as a bit set: what the CPU tried to do. A reference is
 * exactly one of {@link #READ}, {@link #WRITE} and {@link #EXECUTE}, optionally with
 * {@link #KERNEL} when it is made in supervisor mode.
 */
public final class Access {
    /** A data load. */
    public static final int READ = 1;
    /** A data store. */
    public static final int WRITE = 1 << 1;
    /** An instruction fetch. */
    public static final int EXECUTE = 1 << 2;
    /** Made in supervisor mode (ring 0); absent means a user-mode reference. */
    public static final int KERNEL = 1 << 3;

    private Access() {
    }

    public static boolean isWrite(int access) {
        return (access & WRITE) != 0;
    }

    public static boolean isExecute(int access) {
        return (access & EXECUTE) != 0;
    }

    public static boolean isUser(int access) {
        return (access & KERNEL) == 0;
    }

    /** The one-letter form used by traces and reports: R, W or X. */
    public static char letter(int access) {
        return isWrite(access) ? 'W' : isExecute(access) ? 'X' : 'R';
    }
}
