package io.github.medvp;

/**
 * An error the user can cause and fix: a bad setting, a missing modality, an unusable checkpoint.
 * <p>
 * The message is one line that names the file or setting and what to do; commands and the launcher show it
 * without a stack trace. Anything else that escapes is a bug.
 */
public class MedvpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MedvpException(String message) {
        super(message);
    }

    public MedvpException(String message, Throwable cause) {
        super(message, cause);
    }
}
