package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.io.IOPlugin;
import org.scijava.io.IOService;
import org.scijava.io.location.FileLocation;

class NiftiIOPluginTest {

    @TempDir
    Path dir;

    private Context context;
    private IOService io;

    @BeforeEach
    void start() {
        context = new Context(IOService.class);
        io = context.service(IOService.class);
    }

    @AfterEach
    void stop() {
        context.dispose();
    }

    @Test
    void ioServiceFindsThePluginAndOpensAndSaves() throws IOException {
        Fixture f = new Fixture();
        f.datatype = 4;
        Path in = f.write(dir, "a.nii.gz", false);
        IOPlugin<?> opener = io.getOpener(new FileLocation(in.toFile()));
        assertInstanceOf(NiftiIOPlugin.class, opener, "plugin index lists NiftiIOPlugin");
        Object data = io.open(in.toString());
        Volume v = assertInstanceOf(Volume.class, data);
        NiftiReaderTest.assertValues(f, v);

        Path out = dir.resolve("b.hdr");
        io.save(v, out.toString());
        Volume back = NiftiReader.read(out);
        NiftiWriterTest.assertSameVoxels(v, back);
        assertEquals(v.geometry(), back.geometry());
        assertInstanceOf(NiftiIOPlugin.class, io.getOpener(new FileLocation(dir.resolve("b.img").toFile())));
        assertNull(io.getOpener(new FileLocation(dir.resolve("b.tif").toFile())));
    }
}
