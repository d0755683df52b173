package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged and hostile files give a one-line IOException naming the file and the problem, quickly. */
class NiftiBadInputTest {

    @TempDir
    Path dir;

    private void assertFails(Path p, String problem) {
        IOException e = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> NiftiReader.read(p)));
        String m = e.getMessage();
        assertTrue(m.contains(p.getFileName().toString().replace(".img", "")), "names the file: " + m);
        assertTrue(m.toLowerCase().contains(problem), "says '" + problem + "': " + m);
        assertFalse(m.contains("\n"), "one line: " + m);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void truncatedData() throws IOException {
        byte[] b = new Fixture().bytes();
        assertFails(write("t.nii", Arrays.copyOf(b, b.length - 5)), "truncated");
    }

    @Test
    void truncatedHeader() throws IOException {
        assertFails(write("h.nii", Arrays.copyOf(new Fixture().bytes(), 100)), "truncated header");
        assertFails(write("h.nii.gz", Fixture.gzip(Arrays.copyOf(new Fixture().bytes(), 2))), "truncated header");
    }

    @Test
    void truncatedGzip() throws IOException {
        byte[] gz = Fixture.gzip(new Fixture().bytes());
        assertFails(write("t.nii.gz", Arrays.copyOf(gz, gz.length - 30)), "truncated");
    }

    @Test
    void corruptGzip() throws IOException {
        byte[] gz = Fixture.gzip(new Fixture().bytes());
        // Damage the deflate stream after the header so the header still decodes.
        for (int i = gz.length / 2; i < gz.length - 8; i++) {
            gz[i] ^= (byte) 0x5a;
        }
        assertFails(write("c.nii.gz", gz), "corrupt");
    }

    @Test
    void notNifti() throws IOException {
        assertFails(write("text.nii", "hello, this is not an image at all".getBytes()), "not a nifti file");
    }

    @Test
    void badMagic() throws IOException {
        Fixture f = new Fixture();
        f.magic = "xyz";
        assertFails(write("m.nii", f.bytes()), "magic");
        f.version = 2;
        assertFails(write("m2.nii", f.bytes()), "magic");
    }

    @Test
    void voxOffsetPastTheEnd() throws IOException {
        Fixture f = new Fixture();
        byte[] b = f.bytes();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(108, 1e6f);
        assertFails(write("o.nii", b), "offset");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(108, -4f);
        assertFails(write("n.nii", b), "vox_offset");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(108, 1e6f);
        assertFails(write("o.nii.gz", Fixture.gzip(b)), "vox_offset");
    }

    @Test
    void negativeAndZeroDimensions() throws IOException {
        Fixture f = new Fixture();
        f.dims = new long[] { 4, -3, 2 };
        assertFails(write("neg.nii", Arrays.copyOf(f.header(), 2000)), "dimension");
        byte[] b = new Fixture().bytes();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(40, (short) 9);
        assertFails(write("ndim.nii", b), "dimensions");
    }

    @Test
    void absurdDimensionsAreCheckedBeforeAllocating() throws IOException {
        Fixture f = new Fixture();
        f.dims = new long[] { 32767, 32767, 32767 };
        byte[] small = Arrays.copyOf(f.header(), 2000);
        assertFails(write("big.nii", small), "truncated");
        assertFails(write("big.nii.gz", Fixture.gzip(small)), "truncated");
        f.version = 2;
        f.dims = new long[] { 1L << 40, 1L << 10, 1 };
        assertFails(write("big2.nii", Arrays.copyOf(f.header(), 2000)), "truncated");
    }

    @Test
    void dimensionProductOverflows() throws IOException {
        Fixture f = new Fixture();
        f.version = 2;
        f.dims = new long[] { 1L << 40, 1L << 40, 2 };
        assertFails(write("ovf.nii", Arrays.copyOf(f.header(), 2000)), "overflow");
    }

    @Test
    void unsupportedDatatype() throws IOException {
        Fixture f = new Fixture();
        f.datatype = 32;
        assertFails(write("cplx.nii", f.bytes()), "unsupported nifti datatype complex64");
    }

    @Test
    void missingImageOfPair() throws IOException {
        Fixture f = new Fixture();
        Path hdr = f.write(dir, "pair.hdr", false);
        Files.delete(dir.resolve("pair.img"));
        assertFails(hdr, "not found");
        assertFails(dir.resolve("missing.nii"), "no such file");
    }
}
