package io.github.medvp.io;

/**
 * Element types of a {@link HostTensor}. The constant names are the dtype strings of the safetensors format.
 */
public enum DType {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U8(1, false),
    BOOL(1, false);

    private final int itemSize;
    private final boolean floatingPoint;

    DType(int itemSize, boolean floatingPoint) {
        this.itemSize = itemSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** True for F64, F32, F16 and BF16. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The dtype for a safetensors dtype string, or {@code null} when the string names no supported type. */
    public static DType fromSafetensorsName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
