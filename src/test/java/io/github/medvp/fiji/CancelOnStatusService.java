package io.github.medvp.fiji;

import org.scijava.Cancelable;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.CommandModule;
import org.scijava.event.EventHandler;
import org.scijava.module.Module;
import org.scijava.module.event.ModuleStartedEvent;
import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;

/**
 * Test-only: cancels the running command, as a user pressing Fiji's cancel would, when a status line starts with
 * {@link #trigger}. The launcher builds its own Context, so this plugin is how a test reaches the command it runs.
 */
@Plugin(type = Service.class)
public class CancelOnStatusService extends AbstractService {

    /** Status prefix that cancels the running command once; null (default) for never. */
    public static volatile String trigger;

    private volatile Module running;

    @EventHandler
    public void onStart(ModuleStartedEvent e) {
        running = e.getModule();
    }

    @EventHandler
    public void onStatus(StatusEvent e) {
        String t = trigger;
        String msg = e.getStatusMessage();
        if (t != null && msg != null && msg.startsWith(t) && running instanceof CommandModule m
                && m.getCommand() instanceof Cancelable c) {
            trigger = null;
            c.cancel("cancelled by the test");
        }
    }
}
