package dev.mmkit.report;

/**
 * A small streaming JSON writer (RFC 8259) with two-space indentation. The caller opens
 * and closes objects and arrays; the writer puts the commas, the colons and the quotes, and
 * escapes strings: {@code "} and {@code \} with a backslash, the control characters below
 * U+0020 as {@code \n}, {@code \t}... or {@code \}{@code u00XX}, and U+2028/U+2029 as
 * escapes too, so that the output is also valid JavaScript. Numbers that are not finite
 * (NaN, infinities) have no JSON form and are written as {@code null}.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder(1 << 12);
    /** Per open container: whether it has a member yet. Depth-indexed. */
    private boolean[] hasMember = new boolean[16];
    private int depth;
    /** A name was just written: the next value goes on the same line. */
    private boolean afterName;

    JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        push();
        return this;
    }

    JsonWriter endObject() {
        return pop('}');
    }

    JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        push();
        return this;
    }

    JsonWriter endArray() {
        return pop(']');
    }

    /** The name of the next object member. */
    JsonWriter name(String name) {
        if (depth == 0) {
            throw new IllegalStateException("name outside an object: " + name);
        }
        beforeValue();
        string(name);
        out.append(": ");
        afterName = true;
        return this;
    }

    JsonWriter value(String value) {
        beforeValue();
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        return this;
    }

    JsonWriter value(long value) {
        beforeValue();
        out.append(value);
        return this;
    }

    JsonWriter value(double value) {
        beforeValue();
        if (Double.isFinite(value)) {
            if (value == Math.rint(value) && Math.abs(value) < 1e15) {
                out.append((long) value);
            } else {
                out.append(value);
            }
        } else {
            out.append("null");
        }
        return this;
    }

    JsonWriter value(boolean value) {
        beforeValue();
        out.append(value);
        return this;
    }

    /** A member with a number. */
    JsonWriter member(String name, long value) {
        return name(name).value(value);
    }

    JsonWriter member(String name, double value) {
        return name(name).value(value);
    }

    JsonWriter member(String name, String value) {
        return name(name).value(value);
    }

    JsonWriter member(String name, boolean value) {
        return name(name).value(value);
    }

    /** The document; every container must be closed. */
    @Override
    public String toString() {
        if (depth != 0) {
            throw new IllegalStateException(depth + " containers still open");
        }
        return out.toString();
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (hasMember[depth]) {
                out.append(',');
            }
            hasMember[depth] = true;
            newline();
        }
    }

    private void push() {
        depth++;
        if (depth == hasMember.length) {
            hasMember = java.util.Arrays.copyOf(hasMember, depth * 2);
        }
        hasMember[depth] = false;
    }

    private JsonWriter pop(char close) {
        if (depth == 0) {
            throw new IllegalStateException("nothing to close with " + close);
        }
        boolean any = hasMember[depth];
        depth--;
        if (any) {
            newline();
        }
        out.append(close);
        return this;
    }

    private void newline() {
        out.append('\n');
        for (int i = 0; i < depth; i++) {
            out.append("  ");
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
