package io.github.medvp.data.manifest;

/** The parts of a manifest, named as the JSON keys of the reference and MONAI lists. */
public enum Split {
    TRAINING("training"), VALIDATION("validation"), TEST("test");

    private final String key;

    Split(String key) {
        this.key = key;
    }

    /** The JSON key ({@code "training"}, {@code "validation"}, {@code "test"}). */
    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return key;
    }
}
