package io.github.medvp.pretrain.mg3d;

import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import net.imglib2.img.array.ArrayImgs;

/** Four tiny CT files (40×36×30 HU, 1×1×2 mm) and a CT-RATE-style CSV list with a 0/1 label, for pipeline tests. */
public final class Mg3dFiles {

    private Mg3dFiles() {
    }

    /**
     * @param dir where to write
     * @return the list {@code pairs.csv}
     * @throws IOException when writing fails
     */
    public static Path write(Path dir) throws IOException {
        SplittableRandom rng = new SplittableRandom(4);
        StringBuilder csv = new StringBuilder("VolumeName,Findings_EN,Impressions_EN,Pleural effusion\n");
        String[] findings = {"There is a large ball on the left.", "There is a small ball on the right.",
            "There is a large ball on the right.", "There is a small ball on the left."};
        for (int i = 0; i < 4; i++) {
            float[] hu = new float[40 * 36 * 30];
            for (int k = 0; k < hu.length; k++) {
                hu[k] = (float) rng.nextDouble(-1000, 400);
            }
            String name = "case" + i + ".nii.gz";
            NiftiWriter.write(new Volume(ArrayImgs.floats(hu, 40, 36, 30), Geometry.ofSpacing(1, 1, 2)),
                    dir.resolve(name));
            csv.append(name).append(",\"").append(findings[i]).append("\",No acute finding.,").append(i % 2)
                    .append('\n');
        }
        Path list = dir.resolve("pairs.csv");
        Files.writeString(list, csv.toString());
        return list;
    }
}
