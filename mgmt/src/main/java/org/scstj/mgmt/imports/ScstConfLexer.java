package org.scstj.mgmt.imports;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code scst.conf} text into tokens: words (bare or {@code "quoted"}), braces and line
 * ends, each with its line and column. {@code #} at the start of a token comments out the rest of
 * the line. In a quoted word {@code \"} and {@code \\} stand for {@code "} and {@code \}.
 */
final class ScstConfLexer {

    enum Kind { WORD, OPEN, CLOSE, NEWLINE, END }

    /** @param quoted whether the word was written in quotes (so {@code "LUN"} is no keyword) */
    record Token(Kind kind, String text, boolean quoted, int line, int column) {
        String where() {
            return line + ":" + column;
        }
    }

    private final String text;
    private int pos;
    private int line = 1;
    private int lineStart;

    private ScstConfLexer(String text) {
        this.text = text;
    }

    static List<Token> tokens(String text) throws ImportException {
        return new ScstConfLexer(text).all();
    }

    private List<Token> all() throws ImportException {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipBlanks();
            if (pos >= text.length()) {
                out.add(token(Kind.END, "", false, pos));
                return out;
            }
            char c = text.charAt(pos);
            int start = pos;
            switch (c) {
                case '\n' -> {
                    out.add(token(Kind.NEWLINE, "\n", false, start));
                    pos++;
                    line++;
                    lineStart = pos;
                }
                case '#' -> {
                    while (pos < text.length() && text.charAt(pos) != '\n') {
                        pos++;
                    }
                }
                case '{' -> {
                    out.add(token(Kind.OPEN, "{", false, start));
                    pos++;
                }
                case '}' -> {
                    out.add(token(Kind.CLOSE, "}", false, start));
                    pos++;
                }
                case '"' -> out.add(quoted());
                default -> out.add(bare());
            }
        }
    }

    private void skipBlanks() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                pos++;
            } else {
                return;
            }
        }
    }

    private Token bare() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\n' || c == '{' || c == '}' || c == '"') {
                break;
            }
            pos++;
        }
        return token(Kind.WORD, text.substring(start, pos), false, start);
    }

    private Token quoted() throws ImportException {
        int start = pos;
        pos++;
        StringBuilder s = new StringBuilder();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw new ImportException(line + ":" + (start - lineStart + 1), "unterminated quoted value (no closing \" on this line)");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return token(Kind.WORD, s.toString(), true, start);
            }
            if (c == '\\' && pos < text.length() && (text.charAt(pos) == '"' || text.charAt(pos) == '\\')) {
                c = text.charAt(pos++);
            }
            s.append(c);
        }
    }

    private Token token(Kind kind, String s, boolean quoted, int start) {
        return new Token(kind, s, quoted, line, start - lineStart + 1);
    }
}
