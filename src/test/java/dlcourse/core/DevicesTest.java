package dlcourse.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DevicesTest {

    @Test
    void gpuIsChosenWhenTheEngineSeesOne() {
        assertEquals(Device.gpu(0), Devices.choose(1, null));
        assertEquals(Device.gpu(0), Devices.choose(4, "auto"));
        assertEquals(Device.cpu(), Devices.choose(0, null));
        assertEquals(Device.cpu(), Devices.choose(0, ""));
    }

    @Test
    void overrideSelectsCpuOrAGivenGpu() {
        assertEquals(Device.cpu(), Devices.choose(2, "cpu"));
        assertEquals(Device.gpu(1), Devices.choose(2, "gpu:1"));
        assertEquals(Device.gpu(0), Devices.choose(2, "GPU"));
    }

    @Test
    void askingForAMissingGpuSaysWhatToDo() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> Devices.choose(0, "gpu"));
        assertTrue(e.getMessage().contains("GPU: 0"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Devices.choose(1, "gpu:1"));
        assertThrows(IllegalArgumentException.class, () -> Devices.choose(1, "gpu:x"));
        assertThrows(IllegalArgumentException.class, () -> Devices.choose(1, "tpu"));
    }

    @Test
    void onThisMachineTheRealChoiceMatchesTheEngine() {
        Device best = Devices.best();
        assertEquals(Engine.getInstance().getGpuCount() > 0, best.isGpu());
        Hardware hw = Devices.hardware();
        assertEquals("PyTorch", hw.engine());
        assertTrue(hw.cpuCores() >= 1);
        assertTrue(hw.physicalMemoryBytes() > 0);
        String text = hw.toString();
        assertTrue(
                text.contains("PyTorch " + hw.engineVersion()) && text.contains("Ядра CPU"), text);
        if (!best.isGpu()) {
            assertTrue(hw.gpus().isEmpty());
            assertTrue(text.contains("GPU:           не найден"), text);
        } else {
            assertFalse(hw.gpus().isEmpty());
        }
    }
}
