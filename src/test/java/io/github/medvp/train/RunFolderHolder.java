package io.github.medvp.train;

import com.google.gson.JsonObject;
import io.github.medvp.MedvpException;

import java.nio.file.Path;
import java.util.List;

/**
 * The other process of {@link RunFolderTest}: resumes the run folder {@code args[0]} and prints {@code locked PID},
 * then with {@code hold} keeps the folder until its standard input ends or it is killed; a refusal is printed as
 * {@code refused MESSAGE}.
 */
public final class RunFolderHolder {

    private RunFolderHolder() {
    }

    public static void main(String[] args) throws Exception {
        JsonObject config = new JsonObject();
        config.addProperty("method", "mg3d");
        try (RunFolder run = RunFolder.open(Path.of(args[0]), config, true, List.of())) {
            System.out.println("locked " + ProcessHandle.current().pid());
            System.out.flush();
            if (args.length > 1 && args[1].equals("hold")) {
                while (System.in.read() >= 0) {
                    Thread.onSpinWait();
                }
            }
        } catch (MedvpException e) {
            System.out.println("refused " + e.getMessage());
        }
    }
}
