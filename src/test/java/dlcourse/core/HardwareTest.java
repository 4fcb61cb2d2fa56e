package dlcourse.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the CPU's half-precision arithmetic and its physical cores from /proc/cpuinfo. */
class HardwareTest {

    @Test
    void halfPrecisionArithmeticIsReadFromTheFlagsLine() {
        String zen4 =
                "processor\t: 0\nmodel name\t: AMD EPYC 9R14\n"
                        + "flags\t\t: fpu sse2 avx2 f16c avx512f avx512_bf16 avx512_vnni\n";
        assertEquals(List.of("avx512_bf16"), Hardware.halfPrecisionArithmetic(zen4));
        String sapphireRapids = "flags\t: avx512f avx512_fp16 amx_bf16 amx_tile f16c\n";
        assertEquals(
                List.of("avx512_fp16", "amx_bf16"),
                Hardware.halfPrecisionArithmetic(sapphireRapids));
        // F16C only converts between FP16 and FP32: no half-precision arithmetic
        assertEquals(List.of(), Hardware.halfPrecisionArithmetic("flags\t: avx2 f16c fma\n"));
        // a flag's name inside another word does not count
        assertEquals(List.of(), Hardware.halfPrecisionArithmetic("flags\t: xavx512_bf16x\n"));
    }

    /** Two packages of two cores with two hardware threads each: 8 processors, 4 cores. */
    @Test
    void physicalCoresAreDistinctPackageAndCorePairs() {
        StringBuilder cpuinfo = new StringBuilder();
        int processor = 0;
        for (int pkg = 0; pkg < 2; pkg++) {
            for (int thread = 0; thread < 2; thread++) {
                for (int core = 0; core < 2; core++) {
                    cpuinfo.append("processor\t: ")
                            .append(processor++)
                            .append("\nphysical id\t: ")
                            .append(pkg)
                            .append("\nsiblings\t: 4\ncore id\t\t: ")
                            .append(core)
                            .append("\ncpu cores\t: 2\n\n");
                }
            }
        }
        assertEquals(4, Hardware.physicalCores(cpuinfo.toString()));
        assertEquals(0, Hardware.physicalCores("processor\t: 0\nmodel name\t: Apple M2\n"));
    }
}
