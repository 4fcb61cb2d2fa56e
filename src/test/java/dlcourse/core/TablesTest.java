package dlcourse.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Counts as Russian typography writes them: thin spaces between thousands from five digits on. */
class TablesTest {

    @Test
    void groupsThousandsWithThinSpacesFromFiveDigits() {
        assertEquals("4096", Tables.grouped(4096));
        assertEquals("12\u2009345", Tables.grouped(12_345));
        assertEquals("60\u2009965\u2009224", Tables.grouped(60_965_224));
        assertEquals("-1\u2009550\u2009659", Tables.grouped(-1_550_659));
    }
}
