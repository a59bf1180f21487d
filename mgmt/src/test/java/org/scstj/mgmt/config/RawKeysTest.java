package org.scstj.mgmt.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawKeysTest {

    private static List<String> keys(String text) {
        return RawKeys.scan(text).stream().map(a -> String.join("/", a.path()) + "@" + a.line()).toList();
    }

    @Test
    void nestedObjects_andDottedKeys_giveFullPaths() {
        assertEquals(List.of("a@1", "a/b@1", "a/b/c@2", "x/y/z@4"),
                keys("a { b {\n c = 1 }\n}\nx.y.z = 2\n"));
    }

    @Test
    void quotedKeys_keepDotsAndColons() {
        assertEquals(List.of("t@1", "t/iqn.2026-11.org.x:y/luns@1", "t/iqn.2026-11.org.x:y/luns/0@1"),
                keys("t { \"iqn.2026-11.org.x:y\".luns { 0 = d } }"));
    }

    @Test
    void repeatedKeysInOneObject_areAllListed() {
        assertEquals(List.of("luns@1", "luns/0@1", "luns/0@2", "luns/1@2"),
                keys("luns { 0 = a,\n 0 = b, 1 = c }"));
    }

    @Test
    void commentsStringsAndSubstitutions_areNotKeys() {
        assertEquals(List.of("a@2", "b@3", "c@6", "d@7", "e@7"),
                keys("# x = 1\na = \"y = 2 # not a comment\" // z = 3\nb = \"\"\"\nq = 4\n\"\"\"\n"
                        + "c = ${a}\"/file\"\nd: 1, e += 2\n"));
    }

    @Test
    void arrays_areSkippedEvenWithObjectsInside() {
        assertEquals(List.of("a@1", "b@2"), keys("a = [1, {x = 2}, [3]]\nb = [\n \"p\",\n \"q\"\n]\n"));
    }

    @Test
    void braceRoot_andIncludes_areFollowed() {
        assertEquals(List.of("a@3", "a/b@3"), keys("{\ninclude \"other.conf\"\na { b = 1 }\n}\n"));
    }

    @Test
    void textItCannotFollow_givesWhatItReadSoFar() {
        List<String> k = keys("a = 1\n= oops\nb = 2\n");
        assertTrue(k.contains("a@1"), k.toString());
    }
}
