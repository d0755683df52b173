package io.github.medvp.io;

import java.util.Arrays;

/**
 * Where the voxels of a volume are in the world: a 4x4 voxel-to-world affine (millimetres, RAS+ world as NIfTI
 * and nibabel use it) and what follows from it, computed as nibabel computes it.
 * <p>
 * Immutable value type; two geometries are equal when their affines are bit-identical.
 */
public final class Geometry {

    private static final char[][] LABELS = { { 'L', 'R' }, { 'P', 'A' }, { 'I', 'S' } };

    private final double[][] affine;

    /** A geometry from a 4x4 (or 3x4) row-major affine; the array is copied. */
    public Geometry(double[][] affine) {
        if (affine.length < 3) {
            throw new IllegalArgumentException("affine needs at least 3 rows");
        }
        this.affine = new double[4][];
        for (int r = 0; r < 3; r++) {
            if (affine[r].length != 4) {
                throw new IllegalArgumentException("affine rows need 4 columns");
            }
            this.affine[r] = affine[r].clone();
        }
        this.affine[3] = new double[] { 0, 0, 0, 1 };
    }

    /** A diagonal geometry with the given voxel spacing and the origin at voxel (0,0,0). */
    public static Geometry ofSpacing(double sx, double sy, double sz) {
        return new Geometry(new double[][] { { sx, 0, 0, 0 }, { 0, sy, 0, 0 }, { 0, 0, sz, 0 } });
    }

    /** A copy of the 4x4 affine. */
    public double[][] affine() {
        double[][] a = new double[4][];
        for (int r = 0; r < 4; r++) {
            a[r] = affine[r].clone();
        }
        return a;
    }

    /** One affine entry. */
    public double get(int row, int col) {
        return affine[row][col];
    }

    /** Voxel spacing in mm: the norms of the affine's first three columns. */
    public double[] spacing() {
        double[] s = new double[3];
        for (int c = 0; c < 3; c++) {
            s[c] = Math.sqrt(affine[0][c] * affine[0][c] + affine[1][c] * affine[1][c] + affine[2][c] * affine[2][c]);
        }
        return s;
    }

    /**
     * nibabel's {@code io_orientation}: for each voxel axis, the world axis (0=x, 1=y, 2=z) it is closest to and the
     * direction (+1 or -1). The rotation is taken from the polar decomposition of the direction matrix; ties go to
     * the lower world axis, and each world axis is used once. Axes with no direction get world axis -1.
     *
     * @return {@code int[3][2]} rows (world axis, flip)
     */
    public int[][] orientation() {
        double[][] rs = new double[3][3];
        double[] zooms = spacing();
        for (int c = 0; c < 3; c++) {
            double z = zooms[c] == 0 ? 1 : zooms[c];
            for (int r = 0; r < 3; r++) {
                rs[r][c] = affine[r][c] / z;
            }
        }
        double[][] rot = polar(rs);
        int[][] ornt = new int[3][2];
        for (int in = 0; in < 3; in++) {
            ornt[in][0] = -1;
            boolean zero = true;
            for (int r = 0; r < 3; r++) {
                // np.allclose(col, 0): |x| <= 1e-8
                zero &= Math.abs(rot[r][in]) <= 1e-8;
            }
            if (zero) {
                continue;
            }
            int out = 0;
            for (int r = 1; r < 3; r++) {
                if (Math.abs(rot[r][in]) > Math.abs(rot[out][in])) {
                    out = r;
                }
            }
            ornt[in][0] = out;
            ornt[in][1] = rot[out][in] < 0 ? -1 : 1;
            Arrays.fill(rot[out], 0);
        }
        return ornt;
    }

    /** nibabel's {@code aff2axcodes}, e.g. {@code "LAS"}; {@code '?'} for an axis without direction. */
    public String axisCodes() {
        StringBuilder sb = new StringBuilder();
        for (int[] o : orientation()) {
            sb.append(o[0] < 0 ? '?' : LABELS[o[0]][o[1] > 0 ? 1 : 0]);
        }
        return sb.toString();
    }

    /** World coordinates of a (continuous) voxel index. */
    public double[] toWorld(double i, double j, double k) {
        double[] w = new double[3];
        for (int r = 0; r < 3; r++) {
            w[r] = affine[r][0] * i + affine[r][1] * j + affine[r][2] * k + affine[r][3];
        }
        return w;
    }

    /** The affine with {@code m} applied on the right: {@code affine · m}. */
    Geometry times(double[][] m) {
        return new Geometry(multiply(affine, m));
    }

    static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += a[i][k] * b[k][j];
                }
                c[i][j] = s;
            }
        }
        return c;
    }

    /** The inverse of a 4x4 affine (last row 0,0,0,1). */
    static double[][] invert(double[][] a) {
        double[][] m = { { a[0][0], a[0][1], a[0][2] }, { a[1][0], a[1][1], a[1][2] }, { a[2][0], a[2][1], a[2][2] } };
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        if (det == 0 || !Double.isFinite(det)) {
            throw new IllegalArgumentException("affine is singular");
        }
        double[][] inv = new double[4][4];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                int i1 = (j + 1) % 3, i2 = (j + 2) % 3, j1 = (i + 1) % 3, j2 = (i + 2) % 3;
                inv[i][j] = (m[i1][j1] * m[i2][j2] - m[i1][j2] * m[i2][j1]) / det;
            }
        }
        for (int i = 0; i < 3; i++) {
            inv[i][3] = -(inv[i][0] * a[0][3] + inv[i][1] * a[1][3] + inv[i][2] * a[2][3]);
        }
        inv[3][3] = 1;
        return inv;
    }

    /** nibabel's {@code quat2mat}. */
    static double[][] quaternionToMatrix(double w, double x, double y, double z) {
        double nq = w * w + x * x + y * y + z * z;
        if (nq < Math.ulp(1.0)) {
            return new double[][] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        }
        double s = 2.0 / nq;
        double xs = x * s, ys = y * s, zs = z * s;
        double wx = w * xs, wy = w * ys, wz = w * zs;
        double xx = x * xs, xy = x * ys, xz = x * zs;
        double yy = y * ys, yz = y * zs, zz = z * zs;
        return new double[][] { { 1.0 - (yy + zz), xy - wz, xz + wy }, { xy + wz, 1.0 - (xx + zz), yz - wx },
                { xz - wy, yz + wx, 1.0 - (xx + yy) } };
    }

    /**
     * nibabel's {@code set_qform} decomposition of an affine.
     *
     * @return {w, b, c, d, qfac, zoom x, zoom y, zoom z}, with w ≥ 0
     */
    static double[] toQuaternion(double[][] affine) {
        double[] zooms = new Geometry(affine).spacing();
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i][j] = affine[i][j] / (zooms[j] == 0 ? 1 : zooms[j]);
            }
        }
        double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
                + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
        double qfac = det > 0 ? 1 : -1;
        if (qfac < 0) {
            for (int i = 0; i < 3; i++) {
                r[i][2] = -r[i][2];
            }
        }
        double[][] m = polar(r);
        // Shepperd's method, branch on the largest diagonal term for accuracy.
        double t = m[0][0] + m[1][1] + m[2][2];
        double w, x, y, z;
        if (t > 0) {
            double s = 0.5 / Math.sqrt(t + 1);
            w = 0.25 / s;
            x = (m[2][1] - m[1][2]) * s;
            y = (m[0][2] - m[2][0]) * s;
            z = (m[1][0] - m[0][1]) * s;
        } else if (m[0][0] > m[1][1] && m[0][0] > m[2][2]) {
            double s = 2 * Math.sqrt(1 + m[0][0] - m[1][1] - m[2][2]);
            w = (m[2][1] - m[1][2]) / s;
            x = 0.25 * s;
            y = (m[0][1] + m[1][0]) / s;
            z = (m[0][2] + m[2][0]) / s;
        } else if (m[1][1] > m[2][2]) {
            double s = 2 * Math.sqrt(1 + m[1][1] - m[0][0] - m[2][2]);
            w = (m[0][2] - m[2][0]) / s;
            x = (m[0][1] + m[1][0]) / s;
            y = 0.25 * s;
            z = (m[1][2] + m[2][1]) / s;
        } else {
            double s = 2 * Math.sqrt(1 + m[2][2] - m[0][0] - m[1][1]);
            w = (m[1][0] - m[0][1]) / s;
            x = (m[0][2] + m[2][0]) / s;
            y = (m[1][2] + m[2][1]) / s;
            z = 0.25 * s;
        }
        if (w < 0) {
            w = -w;
            x = -x;
            y = -y;
            z = -z;
        }
        return new double[] { w, x, y, z, qfac, zooms[0], zooms[1], zooms[2] };
    }

    /**
     * The orthogonal factor of the polar decomposition of a 3x3 matrix, {@code U·Vᵀ} over the singular values above
     * numpy's rank tolerance (so rank-deficient matrices give a partial isometry, as in nibabel).
     */
    static double[][] polar(double[][] a) {
        // Eigen-decomposition of AᵀA = V S² Vᵀ by cyclic Jacobi; U·Vᵀ = Σ (A vᵢ / sᵢ) vᵢᵀ.
        double[][] ata = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    ata[i][j] += a[k][i] * a[k][j];
                }
            }
        }
        double[][] v = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        for (int sweep = 0; sweep < 60; sweep++) {
            double off = Math.abs(ata[0][1]) + Math.abs(ata[0][2]) + Math.abs(ata[1][2]);
            if (off < 1e-300) {
                break;
            }
            for (int p = 0; p < 2; p++) {
                for (int q = p + 1; q < 3; q++) {
                    if (ata[p][q] == 0) {
                        continue;
                    }
                    double theta = (ata[q][q] - ata[p][p]) / (2 * ata[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < 3; k++) {
                        double akp = ata[k][p], akq = ata[k][q];
                        ata[k][p] = c * akp - s * akq;
                        ata[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < 3; k++) {
                        double apk = ata[p][k], aqk = ata[q][k];
                        ata[p][k] = c * apk - s * aqk;
                        ata[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < 3; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] sv = new double[3];
        double smax = 0;
        for (int i = 0; i < 3; i++) {
            sv[i] = Math.sqrt(Math.max(0, ata[i][i]));
            smax = Math.max(smax, sv[i]);
        }
        double tol = smax * 3 * Math.ulp(1.0);
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            if (!(sv[i] > tol)) {
                continue;
            }
            double[] u = new double[3];
            for (int k = 0; k < 3; k++) {
                u[k] = (a[k][0] * v[0][i] + a[k][1] * v[1][i] + a[k][2] * v[2][i]) / sv[i];
            }
            for (int row = 0; row < 3; row++) {
                for (int col = 0; col < 3; col++) {
                    r[row][col] += u[row] * v[col][i];
                }
            }
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Geometry && Arrays.deepEquals(affine, ((Geometry) o).affine);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(affine);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Geometry[");
        for (int r = 0; r < 3; r++) {
            sb.append(r == 0 ? "" : "; ").append(affine[r][0]).append(' ').append(affine[r][1]).append(' ')
                    .append(affine[r][2]).append(' ').append(affine[r][3]);
        }
        return sb.append(" | ").append(axisCodes()).append(']').toString();
    }
}
