package org.scstj.engine.scsitarget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;

import java.util.List;
import java.util.function.Predicate;

class TargetAclTest {
    @Test
    void namesMatcher_appliesTheSameRuleAsLunsFor() {
        List<String> patterns = List.of("iqn.1993-08.org.debian:01:*", "iqn.x:host?");
        Predicate<String> matcher = org.scstj.engine.spi.Names.matcher(patterns);
        assertTrue(matcher.test("iqn.1993-08.org.debian:01:ABC"));
        assertTrue(matcher.test("iqn.x:host1"));
        assertFalse(matcher.test("iqn.x:host12"));
        assertFalse(matcher.test("iqn.1993-08.org.debian.01:abc")); // '.' is literal, not any character
        List<LunMapping> groupLuns = List.of(new LunMapping(0, "d", false));
        TargetAcl acl = new TargetAcl(new TargetSpec("iqn.t", List.of(), List.of(new GroupSpec("g", patterns, groupLuns)), 1));
        for (String name : List.of("iqn.1993-08.org.debian:01:ABC", "iqn.x:host1", "iqn.x:host12")) {
            assertEquals(matcher.test(name), acl.lunsFor(name).equals(groupLuns), name);
        }
    }
}
