package org.scstj.mgmt.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Every key assignment of a HOCON text with its full path and line, read from the text itself.
 *
 * <p>The HOCON parser merges a key given twice in one object ({@code luns { 0 = a, 0 = b }} keeps
 * only {@code b}) and its public API keeps no trace of the first, so the loader reads the text a
 * second time with this small scanner to find such repeats. It runs only on text the real parser
 * has accepted; on anything it does not follow (an {@code include}d file's keys, exotic value
 * concatenations) it stops and returns what it has, so it can miss a repeat but never invents one.
 */
final class RawKeys {

    /** One {@code key = value} or {@code key { ... }}, with the path from the root of the text. */
    record Assignment(List<String> path, int line) {
    }

    private enum Kind { OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, COMMA, NEWLINE, SPACE, SEPARATOR, UNQUOTED, QUOTED, OTHER, END }

    private record Token(Kind kind, String text, int line) {
    }

    private final List<Token> tokens;
    private final List<Assignment> assignments = new ArrayList<>();
    private int pos;

    private RawKeys(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** The assignments of {@code text} in order of appearance. */
    static List<Assignment> scan(String text) {
        RawKeys scanner = new RawKeys(tokenize(text));
        try {
            scanner.root();
        } catch (Unfollowed e) {
            // keep what was read before the scanner lost track
        }
        return List.copyOf(scanner.assignments);
    }

    private static final class Unfollowed extends RuntimeException {
        Unfollowed() {
            super(null, null, false, false);
        }
    }

    // ---- parsing: objects, keys, values ---------------------------------------------------

    private void root() {
        skip(Kind.SPACE, Kind.NEWLINE);
        if (peek().kind() == Kind.OPEN_BRACE) {
            pos++;
            objectBody(List.of(), true);
        } else {
            objectBody(List.of(), false);
        }
    }

    private void objectBody(List<String> prefix, boolean braced) {
        while (true) {
            skip(Kind.SPACE, Kind.NEWLINE, Kind.COMMA);
            Token t = peek();
            if (t.kind() == Kind.END) {
                if (braced) {
                    throw new Unfollowed();
                }
                return;
            }
            if (t.kind() == Kind.CLOSE_BRACE) {
                if (!braced) {
                    throw new Unfollowed();
                }
                pos++;
                return;
            }
            if (t.kind() == Kind.UNQUOTED && t.text().equals("include")) {
                skipToLineEnd();
                continue;
            }
            int line = t.line();
            List<String> path = new ArrayList<>(prefix);
            path.addAll(key());
            assignments.add(new Assignment(List.copyOf(path), line));
            Token after = next();
            if (after.kind() == Kind.SEPARATOR) {
                skip(Kind.SPACE, Kind.NEWLINE);
            } else if (after.kind() == Kind.OPEN_BRACE) {
                pos--;
            } else {
                throw new Unfollowed();
            }
            value(path);
        }
    }

    /** A path expression: unquoted parts split at dots, quoted parts kept whole. */
    private List<String> key() {
        List<String> elements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean started = false;
        String pendingSpace = "";
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case QUOTED -> {
                    current.append(pendingSpace).append(t.text());
                    pendingSpace = "";
                    started = true;
                }
                case UNQUOTED -> {
                    current.append(pendingSpace);
                    pendingSpace = "";
                    for (char c : t.text().toCharArray()) {
                        if (c == '.') {
                            elements.add(current.toString());
                            current.setLength(0);
                        } else {
                            current.append(c);
                        }
                    }
                    started = true;
                }
                case SPACE -> pendingSpace = started ? t.text() : "";
                default -> {
                    if (!started) {
                        throw new Unfollowed();
                    }
                    elements.add(current.toString());
                    return elements;
                }
            }
            pos++;
        }
    }

    /** A value up to the end of its line, a comma or the enclosing brace; nested objects are read as such. */
    private void value(List<String> path) {
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case NEWLINE, COMMA, CLOSE_BRACE, END -> {
                    return;
                }
                case OPEN_BRACE -> {
                    pos++;
                    objectBody(path, true);
                }
                case OPEN_BRACKET -> skipArray();
                default -> pos++;
            }
        }
    }

    private void skipArray() {
        int depth = 0;
        do {
            Token t = next();
            switch (t.kind()) {
                case OPEN_BRACKET, OPEN_BRACE -> depth++;
                case CLOSE_BRACKET, CLOSE_BRACE -> depth--;
                case END -> throw new Unfollowed();
                default -> {
                }
            }
        } while (depth > 0);
    }

    private void skipToLineEnd() {
        while (peek().kind() != Kind.NEWLINE && peek().kind() != Kind.END) {
            pos++;
        }
    }

    private void skip(Kind... kinds) {
        while (true) {
            Kind k = peek().kind();
            boolean match = false;
            for (Kind kind : kinds) {
                match |= k == kind;
            }
            if (!match) {
                return;
            }
            pos++;
        }
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Kind.END) {
            pos++;
        }
        return t;
    }

    // ---- tokens ------------------------------------------------------------------------------

    /** Characters that end an unquoted string (HOCON spec, "Unquoted strings"). */
    private static final String FORBIDDEN = "$\"{}[]:=,+#`^?!@*&\\";

    private static List<Token> tokenize(String text) {
        List<Token> out = new ArrayList<>();
        int line = 1;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n') {
                out.add(new Token(Kind.NEWLINE, "\n", line++));
                i++;
            } else if (c == '#' || text.startsWith("//", i)) {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (Character.isWhitespace(c) || c == '\uFEFF') {
                int start = i;
                while (i < n && text.charAt(i) != '\n' && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == '\uFEFF')) {
                    i++;
                }
                out.add(new Token(Kind.SPACE, text.substring(start, i), line));
            } else if (text.startsWith("\"\"\"", i)) {
                int end = text.indexOf("\"\"\"", i + 3);
                if (end < 0) {
                    break;
                }
                while (end + 3 < n && text.charAt(end + 3) == '"') {
                    end++;
                }
                String body = text.substring(i + 3, end);
                out.add(new Token(Kind.QUOTED, body, line));
                line += (int) body.chars().filter(ch -> ch == '\n').count();
                i = end + 3;
            } else if (c == '"') {
                StringBuilder s = new StringBuilder();
                i++;
                while (i < n && text.charAt(i) != '"' && text.charAt(i) != '\n') {
                    char d = text.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        char e = text.charAt(i + 1);
                        if (e == 'u' && i + 5 < n) {
                            s.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
                            i += 6;
                            continue;
                        }
                        s.append(switch (e) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            case 'b' -> '\b';
                            case 'f' -> '\f';
                            default -> e;
                        });
                        i += 2;
                    } else {
                        s.append(d);
                        i++;
                    }
                }
                i++;
                out.add(new Token(Kind.QUOTED, s.toString(), line));
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    break;
                }
                out.add(new Token(Kind.OTHER, text.substring(i, end + 1), line));
                i = end + 1;
            } else if (text.startsWith("+=", i)) {
                out.add(new Token(Kind.SEPARATOR, "+=", line));
                i += 2;
            } else if (FORBIDDEN.indexOf(c) >= 0) {
                Kind kind = switch (c) {
                    case '{' -> Kind.OPEN_BRACE;
                    case '}' -> Kind.CLOSE_BRACE;
                    case '[' -> Kind.OPEN_BRACKET;
                    case ']' -> Kind.CLOSE_BRACKET;
                    case ',' -> Kind.COMMA;
                    case '=', ':' -> Kind.SEPARATOR;
                    default -> Kind.OTHER;
                };
                out.add(new Token(kind, String.valueOf(c), line));
                i++;
            } else {
                int start = i;
                while (i < n) {
                    char d = text.charAt(i);
                    if (Character.isWhitespace(d) || FORBIDDEN.indexOf(d) >= 0 || text.startsWith("//", i)) {
                        break;
                    }
                    i++;
                }
                out.add(new Token(Kind.UNQUOTED, text.substring(start, i), line));
            }
        }
        out.add(new Token(Kind.END, "", line));
        return out;
    }
}
