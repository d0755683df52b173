package io.github.medvp.fiji;

import io.github.medvp.Progress;
import org.scijava.event.EventHandler;
import org.scijava.log.LogService;
import org.scijava.module.event.ModuleErroredEvent;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;
import org.scijava.ui.DialogPrompt;
import org.scijava.ui.UIService;

import java.awt.GraphicsEnvironment;

/**
 * In Fiji's user interface, a MedVP command that stops on bad input (a missing file, a bad setting) or on a cancel
 * shows one line saying so instead of SciJava's "Command errored" stack trace in the console. Headless runs keep
 * SciJava's report (the launcher and the macro bridge print their own one-line messages).
 */
@Plugin(type = Service.class)
public class UserErrorService extends AbstractService {

    @Parameter(required = false)
    private LogService log;

    @Parameter(required = false)
    private UIService ui;

    @EventHandler
    public void onError(ModuleErroredEvent e) {
        Throwable t = e.getException();
        if (GraphicsEnvironment.isHeadless() || t == null || e.isConsumed()
                || !e.getModule().getInfo().getDelegateClassName().startsWith("io.github.medvp.")
                || !CommandRunner.isUserError(t)) {
            return;
        }
        e.consume();
        String title = e.getModule().getInfo().getTitle();
        Throwable cause = CommandRunner.userError(t);
        if (cause instanceof Progress.CancelledException) {
            if (log != null) {
                log.info(title + ": cancelled; what was saved so far stays valid");
            }
            return;
        }
        String line = title + ": " + CommandRunner.message(cause);
        if (ui != null && !ui.isHeadless() && ui.getDefaultUI() != null) {
            ui.showDialog(line, "MedVP", DialogPrompt.MessageType.ERROR_MESSAGE);
        } else if (log != null) {
            log.error(line);
        }
    }
}
