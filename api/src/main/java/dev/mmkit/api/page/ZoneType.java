package dev.mmkit.api.page;

/**
 * The zones of physical memory ({@code enum zone_type}), lowest first. DMA is the memory
 * old ISA devices can reach (below 16 MiB on x86), Normal is directly mapped by the kernel,
 * HighMem (32-bit kernels) is not permanently mapped. Allocations fall back from a higher
 * zone to lower ones, never upwards.
 */
public enum ZoneType {
    DMA("DMA"),
    NORMAL("Normal"),
    HIGHMEM("HighMem");

    private final String linuxName;

    ZoneType(String linuxName) {
        this.linuxName = linuxName;
    }

    /** The name Linux prints in {@code /proc/buddyinfo} and {@code /proc/zoneinfo}. */
    public String linuxName() {
        return linuxName;
    }

    /** The zone with this Linux name, ignoring case. */
    public static ZoneType byLinuxName(String name) {
        for (ZoneType type : values()) {
            if (type.linuxName.equalsIgnoreCase(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown zone [" + name + "], known options [DMA, Normal, HighMem]");
    }
}
