package org.scstj.mgmt.imports;

import org.scstj.mgmt.imports.ScstConfLexer.Kind;
import org.scstj.mgmt.imports.ScstConfLexer.Token;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Builds the statement tree of {@code scst.conf} from its tokens with a small state machine: at
 * a line's start a word begins a statement, further words on the line are its values, and
 * {@code {} opens its block (on the same line, or alone on the next); {@code }} closes the
 * innermost open block. Every error names the line and column.
 */
final class ScstConfParser {

    private enum State { LINE_START, IN_STATEMENT }

    /** A block being filled: its statement's header and the children so far. */
    private record Open(String keyword, List<String> values, int line, List<ScstConfStatement> children) {
    }

    private ScstConfParser() {
    }

    static List<ScstConfStatement> parse(String text) throws ImportException {
        List<Token> tokens = ScstConfLexer.tokens(text);
        Deque<Open> open = new ArrayDeque<>();
        open.push(new Open("", List.of(), 0, new ArrayList<>()));
        State state = State.LINE_START;
        Token head = null;
        List<String> values = new ArrayList<>();
        for (Token t : tokens) {
            switch (state) {
                case LINE_START -> {
                    switch (t.kind()) {
                        case NEWLINE -> { }
                        case WORD -> {
                            head = t;
                            values = new ArrayList<>();
                            state = State.IN_STATEMENT;
                        }
                        case OPEN -> {
                            // "{" alone on a line opens the block of the statement just above it
                            List<ScstConfStatement> siblings = open.peek().children();
                            ScstConfStatement last = siblings.isEmpty() ? null : siblings.getLast();
                            if (last == null || last.block()) {
                                throw new ImportException(t.where(), "'{' without a keyword before it");
                            }
                            siblings.removeLast();
                            open.push(new Open(last.keyword(), last.values(), last.line(), new ArrayList<>()));
                        }
                        case CLOSE -> close(open, t);
                        case END -> {
                            return finish(open, t);
                        }
                    }
                }
                case IN_STATEMENT -> {
                    switch (t.kind()) {
                        case WORD -> values.add(t.text());
                        case OPEN -> {
                            open.push(new Open(head.text(), List.copyOf(values), head.line(), new ArrayList<>()));
                            state = State.LINE_START;
                        }
                        case NEWLINE -> {
                            open.peek().children().add(leaf(head, values));
                            state = State.LINE_START;
                        }
                        case CLOSE -> {
                            open.peek().children().add(leaf(head, values));
                            close(open, t);
                            state = State.LINE_START;
                        }
                        case END -> {
                            open.peek().children().add(leaf(head, values));
                            return finish(open, t);
                        }
                    }
                }
            }
        }
        throw new IllegalStateException("the lexer always ends with END");
    }

    private static ScstConfStatement leaf(Token head, List<String> values) {
        return new ScstConfStatement(head.text(), List.copyOf(values), head.line(), false, List.of());
    }

    private static void close(Deque<Open> open, Token t) throws ImportException {
        if (open.size() == 1) {
            throw new ImportException(t.where(), "'}' closes no block");
        }
        Open done = open.pop();
        open.peek().children().add(new ScstConfStatement(done.keyword(), done.values(), done.line(), true,
                List.copyOf(done.children())));
    }

    private static List<ScstConfStatement> finish(Deque<Open> open, Token end) throws ImportException {
        if (open.size() > 1) {
            Open unclosed = open.peek();
            String header = unclosed.values().isEmpty() ? unclosed.keyword()
                    : unclosed.keyword() + " " + String.join(" ", unclosed.values());
            throw new ImportException(Integer.toString(unclosed.line()),
                    "the block of '" + header + "' is not closed: '}' missing before the end of the file (line "
                            + end.line() + ")");
        }
        return List.copyOf(open.peek().children());
    }
}
