package dlcourse.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProfileTest {

    @Test
    void defaultFollowsTheDevice() {
        assertEquals(Profile.LAPTOP, Profile.resolve(null, false));
        assertEquals(Profile.LAPTOP, Profile.resolve("  ", false));
        assertEquals(Profile.FULL, Profile.resolve(null, true));
    }

    @Test
    void explicitValueWinsAndIsCaseInsensitive() {
        assertEquals(Profile.SMOKE, Profile.resolve("smoke", true));
        assertEquals(Profile.FULL, Profile.resolve(" FULL ", false));
        assertEquals(Profile.LAPTOP, Profile.resolve("laptop", true));
    }

    @Test
    void unknownValueIsAnError() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Profile.resolve("fast", false));
        assertTrue(e.getMessage().contains("smoke, laptop, full"), e.getMessage());
    }

    @Test
    void pickReturnsTheValueForTheProfile() {
        assertEquals(1, Profile.SMOKE.pick(1, 2, 3));
        assertEquals(2, Profile.LAPTOP.pick(1, 2, 3));
        assertEquals("c", Profile.FULL.pick("a", "b", "c"));
        assertThrows(IllegalArgumentException.class, () -> Profile.FULL.pick("a", "b"));
    }

    @Test
    void bannerNamesTheProfileAndHowToChooseOthers() {
        String banner = Profile.SMOKE.banner();
        assertTrue(banner.startsWith("Профиль: smoke"), banner);
        assertTrue(
                banner.contains("laptop")
                        && banner.contains("full")
                        && banner.contains("DL_PROFILE"),
                banner);
    }
}
