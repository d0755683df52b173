package io.github.medvp.demo;

import io.github.medvp.Progress;
import io.github.medvp.data.Pipelines;
import io.github.medvp.data.manifest.Split;
import io.github.medvp.nn.swin.SwinPreset;
import io.github.medvp.pretrain.mg3d.CmlMode;
import io.github.medvp.pretrain.mg3d.Mg3dPretraining;
import io.github.medvp.pretrain.mg3d.Mg3dSettings;
import io.github.medvp.pretrain.mg3d.Mg3dStep;
import io.github.medvp.pretrain.mg3d.MimFusion;
import io.github.medvp.tasks.mg3d.Retrieval;
import io.github.medvp.train.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in measurement ({@code -Dmedvp.mg3dprobe=true}): the demo's MG-3D stage alone, as {@code Demo.run} runs it,
 * on the demo's generated CT, with overrides ({@code -Dprobe.ct=32 -Dprobe.epochs=10 -Dprobe.lr=1e-4
 * -Dprobe.window=-1000,1000 -Dprobe.batch=4 -Dprobe.dir=...}, the CT cohort's {@code -Dprobe.lesions=0.7
 * -Dprobe.scale=1 -Dprobe.oneHead=false -Dprobe.rotation=8}); prints the losses, retrieval and wall time. Asserts
 * nothing beyond the run finishing: it is for measuring, not guarding (DemoCtSignalTest guards the data).
 */
@EnabledIfSystemProperty(named = "medvp.mg3dprobe", matches = "true")
class Mg3dDemoProbe {

    @Test
    void demoMg3dStage() throws Exception {
        DemoSettings s = DemoSettings.builder().mg3d(true).build();
        int ct = Integer.getInteger("probe.ct", s.ctStudies());
        int epochs = Integer.getInteger("probe.epochs", s.mg3dEpochs());
        int batch = Integer.getInteger("probe.batch", s.batch() * 2);
        double lr = Double.parseDouble(System.getProperty("probe.lr", String.valueOf(Demo.MG3D_LR)));
        double[] window = Arrays.stream(System.getProperty("probe.window", "-1000,1000").split(","))
                .mapToDouble(Double::parseDouble).toArray();
        int warmup = Integer.getInteger("probe.warmup", 5);
        double[] weights = Arrays.stream(System.getProperty("probe.weights", "1,0.1,1,0.1,0.1,0.1").split(","))
                .mapToDouble(Double::parseDouble).toArray();
        int[] size = System.getProperty("probe.size") == null ? s.mg3dSize()
                : Arrays.stream(System.getProperty("probe.size").split(",")).mapToInt(Integer::parseInt).toArray();
        Path dir = Path.of(System.getProperty("probe.dir", "/tmp/mg3dprobe"));
        String tag = System.getProperty("probe.tag", "run");
        Path data = dir.resolve("data");
        PhantomGenerator.Result gen = null;
        if (!Files.isDirectory(data.resolve("ct"))) {
            gen = PhantomGenerator.builder().optStudies(2).optSplit(0, 0)
                    .optSize(s.fov()[0], s.fov()[1], s.fov()[2]).optSeed(s.seed()).optCt(ct)
                    .optCtCohort(new CtCohort(
                            Double.parseDouble(System.getProperty("probe.lesions",
                                    "" + Demo.CT_COHORT.lesionFraction())),
                            Double.parseDouble(System.getProperty("probe.scale", "" + Demo.CT_COHORT.lesionScale())),
                            Double.parseDouble(System.getProperty("probe.rotation",
                                    "" + Demo.CT_COHORT.maxRotationDeg())),
                            Boolean.parseBoolean(System.getProperty("probe.oneHead", "" + Demo.CT_COHORT.oneHead()))))
                    .build()
                    .generate(data, Progress.NONE);
            gen.ct().forEach(g -> System.out.println(g.id() + " " + g.split() + " " + g.findings()));
        }
        Path ctFolder = data.resolve("ct");
        Path mgRun = dir.resolve("runs").resolve(tag);
        long t0 = System.nanoTime();
        Mg3dPretraining mg = new Mg3dPretraining(Mg3dSettings.builder().data(ctFolder
                .resolve(PhantomGenerator.TRAIN_REPORTS)).run(mgRun)
                .preset(SwinPreset.TINY).epochs(epochs)
                .batch(batch).optimiser(lr, 5, 1e-8, warmup).seed(s.seed())
                .volumes(Mg3dSettings.VolumeModality.CT, size, Pipelines.mg3dCtSpacing(), window)
                .variant(MimFusion.CODE, CmlMode.VOLUME_REPORT, false).weights(weights)
                .device("cpu").logEvery(Integer.getInteger("probe.logEvery", 5)).build());
        System.out.println(mg.summary(mg.run(Progress.NONE)));
        double train = (System.nanoTime() - t0) / 1e9;
        System.out.println("losses:" + DemoReport.firstAndLast(RunFolder.metricsCsv(mgRun), Mg3dStep.NAMES));
        System.out.println(String.join("\n", Files.readAllLines(RunFolder.metricsCsv(mgRun))));
        for (String list : new String[] {PhantomGenerator.VALIDATION_REPORTS, PhantomGenerator.TRAIN_REPORTS}) {
            Retrieval.Result r = Retrieval.run(RunFolder.lastCheckpoint(mgRun), ctFolder.resolve(list),
                    dir.resolve("retrieval-" + tag + "-" + list), "cpu", 2, Progress.NONE);
            System.out.println(list + ":\n" + Retrieval.summary(r) + "r2v ranks "
                    + Arrays.toString(r.reportToVolume().ranks()));
        }
        System.out.printf("PROBE %s ct=%d epochs=%d batch=%d lr=%g window=%s size=%s weights=%s: training %.0f s, "
                + "total %.0f s%n", tag, ct, epochs, batch, lr, Arrays.toString(window), Arrays.toString(size),
                Arrays.toString(weights), train, (System.nanoTime() - t0) / 1e9);
        if (gen != null) {
            System.out.println(gen.summary() + " " + gen.ct().stream().filter(g -> g.split() == Split.VALIDATION)
                    .count() + " held out");
        }
    }

    @Test
    void benchTiny() {
        if (System.getProperty("probe.bench") == null) {
            return;
        }
        System.out.println(io.github.medvp.pretrain.mg3d.Mg3dBenchmark.run("tiny", 4, null, 1, 2,
                io.github.medvp.engine.Engines.device("cpu"), Path.of(System.getProperty("probe.bench"))));
    }
}
