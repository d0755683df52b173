package io.github.medvp.fiji;

import ij.IJ;
import ij.ImageJ;
import ij.Menus;
import ij.WindowManager;

import javax.imageio.ImageIO;
import java.awt.Frame;
import java.awt.Menu;
import java.awt.MenuBar;
import java.awt.MenuItem;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.awt.event.InputEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The GUI smoke test's program, run by {@link GuiSmokeTest} in its own JVM on an X server: starts ImageJ 1 with
 * MedVP's plugins.config, checks the Plugins > MedVP menu, opens it, runs System Info through the menu command
 * and saves a screenshot. Exit status 0 when all went well; the menu it found goes to standard output.
 */
public final class GuiSmoke {

    private GuiSmoke() {
    }

    /** @param args screenshot file, ImageJ folder (holding plugins/ with the MedVP jar) */
    public static void main(String[] args) throws Exception {
        Path png = Path.of(args[0]);
        System.setProperty("plugins.dir", args[1]);
        ImageJ ij = new ImageJ();
        Robot robot = new Robot();
        for (int i = 0; i < 100 && !ij.isShowing(); i++) {
            Thread.sleep(100);
        }
        robot.waitForIdle();
        List<String> items = new ArrayList<>();
        Menu medvp = find(Menus.getMenuBar(), "Plugins", "MedVP");
        if (medvp == null) {
            System.err.println("no Plugins > MedVP menu");
            System.exit(2);
        }
        collect(medvp, "Plugins>MedVP", items);
        items.forEach(System.out::println);
        // System Info from its menu entry: the report appears in the Log window.
        IJ.run("MedVP System Info (macro)");
        for (int i = 0; i < 200 && (IJ.getLog() == null || !IJ.getLog().contains("PyTorch")); i++) {
            Thread.sleep(100);
        }
        if (IJ.getLog() == null || !IJ.getLog().contains("PyTorch")) {
            System.err.println("System Info wrote no report to the Log window");
            System.exit(3);
        }
        recordInspectDialog(Path.of(args[1]).resolve("brain.nii.gz"));
        Frame log = WindowManager.getFrame("Log");
        if (log != null) {
            log.setBounds(0, 330, 900, 460);
        }
        ij.setLocation(0, 0);
        ij.toFront();
        robot.waitForIdle();
        Thread.sleep(500);
        openMenu(robot, ij, "Plugins", "MedVP");
        Rectangle screen = new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
        ImageIO.write(robot.createScreenCapture(screen), "png", png.toFile());
        System.exit(0);
    }

    /**
     * Chooses Inspect Volume's macro entry as a user would, with the macro recorder on: fills the dialog's file
     * field, presses OK, and prints what the recorder wrote (the test checks it is the bridge's option syntax).
     */
    private static void recordInspectDialog(Path volume) throws Exception {
        io.github.medvp.io.NiftiWriter.write(new io.github.medvp.io.Volume(
                net.imglib2.img.array.ArrayImgs.floats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2),
                io.github.medvp.io.Geometry.ofSpacing(1, 1, 1)), volume);
        IJ.run("Record...");
        new ij.Executer("MedVP Inspect Volume (macro)", null); // as a menu click: own thread, recorded
        ij.gui.GenericDialog gd = null;
        for (int i = 0; i < 200 && gd == null; i++) {
            Thread.sleep(50);
            for (java.awt.Window w : java.awt.Window.getWindows()) {
                if (w instanceof ij.gui.GenericDialog g && g.isShowing()) {
                    gd = g;
                }
            }
        }
        if (gd == null) {
            System.err.println("the Inspect Volume dialog did not open");
            System.exit(4);
        }
        ij.gui.GenericDialog dialog = gd;
        java.awt.EventQueue.invokeAndWait(() -> {
            ((java.awt.TextField) dialog.getStringFields().get(0)).setText(volume.toString());
            dialog.actionPerformed(new java.awt.event.ActionEvent(dialog.getButtons()[0],
                    java.awt.event.ActionEvent.ACTION_PERFORMED, "OK"));
        });
        ij.plugin.frame.Recorder recorder = ij.plugin.frame.Recorder.getInstance();
        String text = "";
        for (int i = 0; i < 600 && recorder != null && !(text = recorder.getText()).contains("MedVP"); i++) {
            Thread.sleep(100);
        }
        for (String line : text.split("\n")) {
            if (line.contains("MedVP")) {
                System.out.println("recorded: " + line);
            }
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    private static Menu find(MenuBar bar, String top, String sub) {
        for (int i = 0; i < bar.getMenuCount(); i++) {
            Menu m = bar.getMenu(i);
            if (m.getLabel().equals(top)) {
                for (int j = 0; j < m.getItemCount(); j++) {
                    if (m.getItem(j) instanceof Menu s && s.getLabel().equals(sub)) {
                        return s;
                    }
                }
            }
        }
        return null;
    }

    private static void collect(Menu menu, String path, List<String> out) {
        for (int i = 0; i < menu.getItemCount(); i++) {
            MenuItem item = menu.getItem(i);
            if (item instanceof Menu sub) {
                collect(sub, path + ">" + sub.getLabel(), out);
            } else {
                out.add(path + ">" + item.getLabel());
            }
        }
    }

    /**
     * Clicks the top-level menu and hovers its submenu so the screenshot shows them. AWT draws menus itself on X11,
     * so positions follow from the menu font: labels are laid out left to right with a fixed padding.
     */
    private static void openMenu(Robot robot, Frame frame, String top, String sub) throws Exception {
        MenuBar bar = frame.getMenuBar();
        java.awt.FontMetrics fm = frame.getFontMetrics(bar.getFont() != null ? bar.getFont()
                : new java.awt.Font("Dialog", java.awt.Font.PLAIN, 12));
        java.awt.Insets in = frame.getInsets();
        Rectangle b = frame.getBounds();
        int x = b.x + in.left;
        int y = b.y + in.top - 10;
        Menu target = null;
        for (int i = 0; i < bar.getMenuCount(); i++) {
            int w = fm.stringWidth(bar.getMenu(i).getLabel()) + 20;
            if (bar.getMenu(i).getLabel().equals(top)) {
                x += w / 2;
                target = bar.getMenu(i);
                break;
            }
            x += w;
        }
        if (target == null) {
            return;
        }
        robot.mouseMove(x, y);
        robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
        robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
        robot.waitForIdle();
        Thread.sleep(700);
        // Rows are the font height plus 4 pixels, separators 9 (AWT's X11 menu layout).
        int itemHeight = fm.getHeight() + 4;
        int offset = 0;
        for (int j = 0; j < target.getItemCount(); j++) {
            MenuItem item = target.getItem(j);
            if (item instanceof Menu s && s.getLabel().equals(sub)) {
                break;
            }
            offset += item.getLabel().equals("-") ? 9 : itemHeight;
        }
        robot.mouseMove(x, y + 21 + offset); // hovering opens the submenu
        robot.waitForIdle();
        Thread.sleep(700);
    }
}
