package io.github.medvp;

/**
 * A setting the user gave that is not allowed: the message names the setting, the value and what is allowed. The
 * launcher exits with status 2 for it (1 is for data that cannot be used), and it is raised before anything is
 * written.
 */
public class SettingsException extends MedvpException {
    private static final long serialVersionUID = 1L;

    /** @param message one line naming the setting, the value and what is allowed */
    public SettingsException(String message) {
        super(message);
    }

    /**
     * @param setting the setting's name as users write it ({@code crop})
     * @param value the value given
     * @param allowed what is allowed ({@code a multiple of 32 from 32 to 512})
     * @return the exception
     */
    public static SettingsException of(String setting, Object value, String allowed) {
        return new SettingsException("setting '" + setting + "': " + value + " is not allowed; use " + allowed);
    }
}
