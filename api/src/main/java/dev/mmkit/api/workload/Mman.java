package dev.mmkit.api.workload;

/** Protection and mapping flags of {@code mmap(2)}, with Linux's values. */
public final class Mman {
    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;

    /** Stores are seen by every mapping of the file and reach the file. */
    public static final int MAP_SHARED = 0x01;
    /** Stores are copied on write and stay private. */
    public static final int MAP_PRIVATE = 0x02;
    /** Map exactly at the address given. */
    public static final int MAP_FIXED = 0x10;
    /** Not backed by a file: zero-filled on demand. */
    public static final int MAP_ANONYMOUS = 0x20;
    /** A stack that grows down. */
    public static final int MAP_GROWSDOWN = 0x0100;

    private Mman() {
    }

    /** The {@code rwxp} column of {@code /proc/PID/maps}. */
    public static String perms(int prot, int flags) {
        return new StringBuilder(4)
            .append((prot & PROT_READ) != 0 ? 'r' : '-')
            .append((prot & PROT_WRITE) != 0 ? 'w' : '-')
            .append((prot & PROT_EXEC) != 0 ? 'x' : '-')
            .append((flags & MAP_SHARED) != 0 ? 's' : 'p')
            .toString();
    }
}
